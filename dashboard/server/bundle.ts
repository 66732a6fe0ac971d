import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The page's sources (a folder URL: bundlers rewrite module-relative URLs of .ts files as workers). */
const WEB_DIR = fileURLToPath(new URL("../web/", import.meta.url));

/**
 * The page's script and styles (dashboard/web/app.ts with Leaflet and its CSS), bundled in
 * memory when the server starts: nothing is fetched from a CDN, and the page works offline.
 */
export async function bundlePage(): Promise<Map<string, { type: string; body: Buffer }>> {
  // Loaded here: only the dashboard needs esbuild at run time.
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [join(WEB_DIR, "app.ts")],
    bundle: true,
    write: false,
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: false,
    outdir: "/assets",
    entryNames: "app",
    loader: { ".png": "dataurl", ".svg": "dataurl" },
    logLevel: "silent",
  });
  const assets = new Map<string, { type: string; body: Buffer }>();
  for (const file of result.outputFiles) {
    const name = file.path.split("/").at(-1)!;
    const type = name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    assets.set(name, { type, body: Buffer.from(file.contents) });
  }
  return assets;
}
