// `npm run build` (also run by `npm ci` through `prepare`): esbuild bundles of the CLI, each
// Lambda handler and each Batch container into dist/, the app's templates for the embedded
// runtime, and dist/build.json, the fingerprint the bin checks before it runs dist/.
//
//   node --import tsx scripts/build.ts                          everything into dist/
//   node --import tsx scripts/build.ts function NAME --outdir D  one Lambda bundle (the CDK app's asset)
//   node --import tsx scripts/build.ts container NAME --outdir D one Batch image's bundle
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BuildOptions, build, type Metafile, type Plugin } from "esbuild";
import { fingerprintFiles, writeBuildManifest } from "../bin/dist-check.mjs";

export const REPOSITORY_ROOT = fileURLToPath(new URL("../", import.meta.url));
export const DIST = join(REPOSITORY_ROOT, "dist");

/** Files a module may load from beside itself (a worker's WebAssembly, a plain-JS helper): carried into its bundle's folder. */
const CODE_ASSET = /\.(wasm|mjs|js|cjs)$/;

/**
 * Never bundled into the CLI: the CDK (only the embedded runtime's synthesis of another project
 * loads it), tsx (the fallback for TypeScript sources) and esbuild itself. They resolve from the
 * repository's node_modules when used.
 */
const CLI_EXTERNAL = ["tsx", "tsx/*", "esbuild", "aws-cdk-lib", "aws-cdk-lib/*", "constructs", "cdk-nag"];

/** Lambda's Node.js runtime provides the AWS SDK v3: leave it out of the handlers' bundles. */
const LAMBDA_EXTERNAL = ["@aws-sdk/*"];

/** Node 20 is the oldest Node the CLI runs on; Lambda (nodejs22.x) and the images (node:22) run it too. */
const TARGET = "node20";

/** CommonJS dependencies (geotiff's, pngjs) inside an ESM bundle call `require`: give them one. */
const REQUIRE_BANNER =
  "import { createRequire as __quakeslideRequire } from 'node:module'; const require = __quakeslideRequire(import.meta.url);";

export interface BundleTarget {
  /** Output name (without .mjs) -> source file, relative to the repository root. */
  entries: Record<string, string>;
  /**
   * The target's folder under dist/. The bundle is built for this place wherever it is written
   * (the CDK app's asset folder, an image's build stage), so its bytes are the same everywhere.
   */
  distDir: string;
  external: string[];
  /** Lambda and images: minified with a source map; the CLI keeps names for readable stack traces. */
  minify: boolean;
}

export interface BundleResult {
  /** Source files (repository-relative) that went into the bundle, node_modules excluded. */
  inputs: string[];
}

/**
 * `new URL("./file", import.meta.url)` in a source names a file next to the module. In a bundle
 * every module lands in one flat folder, so the build rewrites each such URL: a TypeScript file
 * (a worker thread's entry) becomes an entry of its own, `<folder>-<name>.mjs` beside the
 * bundle; a code asset (a .wasm, an .mjs: CODE_ASSET) is copied beside the bundle; anything else
 * (a folder such as data/) is addressed relative to the output folder, so it is found in the
 * repository.
 */
function moduleUrlPlugin(
  outdir: string,
  found: { entries: Map<string, string>; assets: Set<string> },
): Plugin {
  const pattern = /new URL\(\s*(["'])(\.{1,2}\/[^"']*)\1\s*,\s*import\.meta\.url\s*\)/g;
  return {
    name: "module-urls",
    setup(builder) {
      builder.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const source = readFileSync(args.path, "utf8");
        const contents = source.replace(pattern, (_, quote: string, reference: string) => {
          const target = resolve(dirname(args.path), reference);
          const relativeTarget = relative(REPOSITORY_ROOT, target);
          let rewritten: string;
          if (target.endsWith(".ts")) {
            const name = workerEntryName(relativeTarget);
            found.entries.set(name, relativeTarget);
            rewritten = `./${name}.mjs`;
          } else if (CODE_ASSET.test(target)) {
            found.assets.add(target);
            rewritten = `./${basename(target)}`;
          } else {
            rewritten = relative(outdir, target).split(sep).join("/") + (reference.endsWith("/") ? "/" : "");
          }
          return `new URL(${quote}${rewritten}${quote}, import.meta.url)`;
        });
        return { contents, loader: "ts" };
      });
    },
  };
}

/**
 * zod re-exports its 60-odd translated error-message locales as `z.locales`, about 340 KB that
 * every verb's start-up would parse. Quakeslide's messages are English (zod registers `en`
 * itself), so the bundles get an empty `locales` namespace instead.
 */
function withoutZodLocales(): Plugin {
  return {
    name: "without-zod-locales",
    setup(builder) {
      builder.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        args.importer.includes(`${sep}zod${sep}`) ? { path: "zod-locales", namespace: "empty" } : undefined,
      );
      builder.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "export {};", loader: "js" }));
    },
  };
}

/** `core/sem/worker.ts` -> `sem-worker`, `core/ml/forest-worker.ts` -> `ml-forest-worker`. */
function workerEntryName(relativePath: string): string {
  const parts = relativePath.replace(/\.ts$/, "").split(sep);
  return parts.slice(-2).join("-");
}

/**
 * Bundles a target into its own flat folder: its entries, every worker entry its modules start
 * (found while bundling, so a second pass adds them), shared chunks, and the files they carry.
 */
export async function bundle(target: BundleTarget, outdir = target.distDir): Promise<BundleResult> {
  const entries = new Map(Object.entries(target.entries));
  for (;;) {
    const found = { entries: new Map<string, string>(), assets: new Set<string>() };
    const options: BuildOptions = {
      absWorkingDir: REPOSITORY_ROOT,
      entryPoints: Object.fromEntries(entries),
      outdir: target.distDir,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: TARGET,
      outExtension: { ".js": ".mjs" },
      entryNames: "[name]",
      chunkNames: "chunk-[hash]",
      external: target.external,
      banner: { js: REQUIRE_BANNER },
      minifyWhitespace: true,
      minifySyntax: true,
      minifyIdentifiers: target.minify,
      sourcemap: target.minify ? "linked" : false,
      metafile: true,
      write: false,
      logLevel: "warning",
      plugins: [moduleUrlPlugin(target.distDir, found), withoutZodLocales()],
    };
    const result = await build(options);
    assertNoDynamicImportOfCommonJs(result.metafile as Metafile);
    const missing = [...found.entries].filter(([name]) => !entries.has(name));
    if (missing.length > 0) {
      for (const [name, path] of missing) entries.set(name, path);
      continue; // bundle again with the worker entries it starts
    }
    rmSync(outdir, { recursive: true, force: true });
    mkdirSync(outdir, { recursive: true });
    for (const file of result.outputFiles ?? [])
      writeFileSync(join(outdir, relative(target.distDir, file.path)), file.contents);
    for (const asset of found.assets) cpSync(asset, join(outdir, basename(asset)));
    const assets = [...found.assets].map((path) => relative(REPOSITORY_ROOT, path));
    return { inputs: [...sourceInputs(result.metafile as Metafile), ...assets].sort() };
  }
}

/**
 * `await import("pkg")` of a CommonJS package has its named exports under Node (which reads
 * them from the source), but in an esbuild bundle with code splitting only `default`: the
 * sources would work and the bundle fail at run time ("X is not a constructor"). Refused here,
 * at build time; import such a package statically from a module that is itself loaded lazily.
 */
function assertNoDynamicImportOfCommonJs(metafile: Metafile): void {
  for (const [importer, input] of Object.entries(metafile.inputs)) {
    if (importer.includes("node_modules/")) continue;
    for (const imported of input.imports) {
      if (imported.kind !== "dynamic-import" || metafile.inputs[imported.path]?.format !== "cjs") continue;
      throw new Error(
        `${importer}: import("${imported.original ?? imported.path}") loads a CommonJS module, whose named exports a bundle loses; import it statically from a module loaded with import()`,
      );
    }
  }
}

/** The repository's files among a build's inputs (not node_modules, not a plugin's virtual modules). */
function sourceInputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).filter(
    (path) => !path.includes("node_modules/") && !path.includes(":"),
  );
}

/** Folders under `parent` that hold `file` (functions/<name>/handler.ts, containers/<name>/entrypoint.ts). */
function unitsWith(parent: string, file: string): string[] {
  const folder = join(REPOSITORY_ROOT, parent);
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(folder, entry.name, file)))
    .map((entry) => entry.name)
    .sort();
}

export const FUNCTIONS = () => unitsWith("functions", "handler.ts");
export const CONTAINERS = () => unitsWith("containers", "entrypoint.ts");

/** The CLI (dist/cli/main.mjs exports main) with its lazily loaded verbs and worker entries. */
export function cliTarget(): BundleTarget {
  return {
    entries: { main: "cli/main.ts" },
    distDir: join(DIST, "cli"),
    external: CLI_EXTERNAL,
    minify: false,
  };
}

/** One Lambda: `index.mjs` exports `handler` (Lambda handler `index.handler`). */
export function functionTarget(name: string): BundleTarget {
  const entries = { index: `functions/${name}/handler.ts` };
  return { entries, distDir: join(DIST, "functions", name), external: LAMBDA_EXTERNAL, minify: true };
}

/** One Batch image: `entrypoint.mjs` with everything inlined (the image has no node_modules). */
export function containerTarget(name: string): BundleTarget {
  const entries = { entrypoint: `containers/${name}/entrypoint.ts` };
  return { entries, distDir: join(DIST, "containers", name), external: [], minify: true };
}

/** What the app's templates depend on: infra/ and what it imports, cdk.json, package.json. */
async function infraInputs(): Promise<string[]> {
  const result = await build({
    absWorkingDir: REPOSITORY_ROOT,
    entryPoints: ["infra/app.ts"],
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    metafile: true,
    write: false,
    logLevel: "warning",
  });
  return [...sourceInputs(result.metafile), "cdk.json", "package.json"].sort();
}

/**
 * The app's templates for stage `local`, as the embedded runtime needs them (dist/templates/
 * local.json): synthesized only when infra's fingerprint changed, since synthesis takes seconds.
 */
async function buildTemplates(inputs: string[]): Promise<void> {
  const file = join(DIST, "templates", "local.json");
  const stamp = join(DIST, "templates", "fingerprint.json");
  const fingerprint = JSON.stringify(fingerprintFiles(REPOSITORY_ROOT, inputs, { hashOnly: true }));
  if (existsSync(file) && existsSync(stamp) && readFileSync(stamp, "utf8") === fingerprint) return;
  const { synthesizeProjectTemplates } = await import("../local/templates.ts");
  const templates = await synthesizeProjectTemplates(REPOSITORY_ROOT);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(Object.fromEntries(templates)));
  writeFileSync(stamp, fingerprint);
}

/** Everything into dist/, then dist/build.json (written last: a build that failed is not fresh). */
export async function buildAll(log: (line: string) => void = () => {}): Promise<void> {
  const started = performance.now();
  rmSync(join(DIST, "build.json"), { force: true });
  const inputs = new Set<string>([
    "package.json",
    "package-lock.json",
    "scripts/build.ts",
    "bin/dist-check.mjs",
  ]);
  const add = (result: BundleResult) => {
    for (const input of result.inputs) inputs.add(input);
  };
  const targets = [cliTarget(), ...FUNCTIONS().map(functionTarget), ...CONTAINERS().map(containerTarget)];
  for (const result of await Promise.all(targets.map((target) => bundle(target)))) add(result);
  log(`bundles built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const infra = await infraInputs();
  for (const input of infra) inputs.add(input);
  const synthesisStarted = performance.now();
  await buildTemplates(infra);
  log(`templates ready in ${((performance.now() - synthesisStarted) / 1000).toFixed(1)} s`);
  // npm's record of what is installed: a dependency update makes the build stale as well.
  if (existsSync(join(REPOSITORY_ROOT, "node_modules", ".package-lock.json")))
    inputs.add("node_modules/.package-lock.json");
  writeBuildManifest(REPOSITORY_ROOT, join(DIST, "build.json"), [...inputs].sort());
}

async function main(args: string[]): Promise<void> {
  const [kind, name] = args;
  const outdirIndex = args.indexOf("--outdir");
  const outdir = outdirIndex >= 0 ? resolve(args[outdirIndex + 1] ?? "") : undefined;
  if (kind === "function" && name) await bundle(functionTarget(name), outdir);
  else if (kind === "container" && name) await bundle(containerTarget(name), outdir);
  else if (kind === undefined) await buildAll((line) => console.log(`quakeslide build: ${line}`));
  else throw new Error(`usage: build.ts [function NAME | container NAME] [--outdir DIR]`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`quakeslide build: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
