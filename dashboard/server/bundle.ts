import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ENTRY = fileURLToPath(new URL("../web/app.ts", import.meta.url));

/**
 * The page's script and styles (dashboard/web/app.ts with Leaflet and its CSS), bundled in
 * memory when the server starts: nothing is fetched from a CDN, and the page works offline.
 */
export async function bundlePage(): Promise<Map<string, { type: string; body: Buffer }>> {
  const result = await build({
    entryPoints: [ENTRY],
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
