import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { writeCog } from "../../core/raster/index.ts";
import { runTerrain } from "../../core/terrain/step.ts";
import { S3_CLIENT_SETTINGS } from "../../functions/shared/s3.ts";
import { LIGHT_STEPS, PUBLISHERS } from "../../infra/pipeline/light-steps.ts";
import { type LocalS3, startLocalS3 } from "../../local/s3-server.ts";
import {
  bundle,
  CONTAINERS,
  cliTarget,
  containerTarget,
  DIST,
  FUNCTIONS,
  functionTarget,
} from "../../scripts/build.ts";
import { ridgeScenario, writeRidgeDem } from "../helpers/ridge-scenario.ts";

// What Lambda, the Batch images and `npx quakeslide` run are esbuild bundles, not the TypeScript
// the other tests import. These tests build them with the build script itself (the function the
// CDK app, the Dockerfile and `npm run build` call) and run them, so that what breaks only in a
// bundle (CommonJS interop, dynamic imports, worker-thread entries, files next to a module) is
// caught here. Lambda bundles go under .quakeslide/ (git-ignored) so that `@aws-sdk/*`, left
// external as in Lambda, resolves from the repository's node_modules; the image's bundle is run
// from a folder outside the repository, where no node_modules can be found.

const root = resolve(".quakeslide");
mkdirSync(root, { recursive: true });
const outDir = mkdtempSync(join(root, "bundles-"));
const outside = mkdtempSync(join(tmpdir(), "quakeslide-image-"));
let s3: LocalS3;
let client: S3Client;

before(async () => {
  s3 = await startLocalS3({ directory: join(outDir, "s3"), buckets: ["data", "results"] });
  client = new S3Client({ ...s3.clientConfig, ...S3_CLIENT_SETTINGS });
});

after(async () => {
  client.destroy();
  await s3.close();
  rmSync(outDir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

async function put(bucket: string, key: string, body: string | Buffer) {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

function folderBytes(folder: string): number {
  return readdirSync(folder).reduce((sum, name) => sum + statSync(join(folder, name)).size, 0);
}

function run(command: string[], env: Record<string, string> = {}, cwd?: string) {
  return new Promise<{ code: number; output: string }>((resolveRun) => {
    const child = spawn(process.execPath, command, { cwd, env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("close", (code) => resolveRun({ code: code ?? -1, output }));
  });
}

test("the build finds every step's handler and every image's entrypoint", () => {
  // Every Lambda of the app (the light steps and the publishers) has a handler, and no other folder does.
  assert.deepEqual(FUNCTIONS(), [...Object.keys(LIGHT_STEPS), ...Object.keys(PUBLISHERS)].sort());
  assert.deepEqual(CONTAINERS(), ["sem", "train"]);
});

test("every step handler bundles, with the worker threads it starts, well under Lambda's 250 MB limit", async () => {
  for (const name of FUNCTIONS()) {
    const folder = join(outDir, "functions", name);
    await bundle(functionTarget(name), folder);
    const megabytes = folderBytes(folder) / 1e6;
    assert.ok(megabytes < 50, `${name}: ${megabytes.toFixed(1)} MB`);
  }
  // The terrain step encodes on worker threads when it has more than one: its bundle carries the entry.
  assert.ok(readdirSync(join(outDir, "functions", "terrain")).includes("terrain-sink-worker.mjs"));
});

test("a bundle carries what its modules load from beside them: a .wasm file, and a worker entry", async () => {
  const folder = join(outDir, "assets");
  const target = { entries: { main: "test/fixtures/build/uses-asset.ts" }, distDir: join(DIST, "assets") };
  await bundle({ ...target, external: [], minify: true }, folder);
  assert.ok(readdirSync(folder).includes("answer.wasm"), readdirSync(folder).join(", "));
  const module = (await import(pathToFileURL(join(folder, "main.mjs")).href)) as {
    wasmBytes: () => Buffer;
    workerUrl: () => URL;
  };
  const wasm = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(module.wasmBytes())));
  assert.equal((wasm.exports.answer as () => number)(), 42);
  const worker = new Worker(module.workerUrl(), { workerData: { data: "ping" } });
  try {
    assert.deepEqual(await once(worker, "message"), ["ping"]);
  } finally {
    await worker.terminate();
  }
});

test("the build refuses import() of a CommonJS package, whose named exports a bundle would lose", async () => {
  const target = {
    entries: { main: "test/fixtures/build/imports-commonjs-lazily.ts" },
    distDir: join(DIST, "lazy-commonjs"),
  };
  await assert.rejects(bundle({ ...target, external: [], minify: true }, join(outDir, "lazy-commonjs")), {
    message: /imports-commonjs-lazily\.ts: import\("pngjs"\) loads a CommonJS module/,
  });
});

test("the bundled terrain handler runs against S3 like the TypeScript one", async () => {
  const grid = {
    width: 8,
    height: 8,
    transform: [0, 10, 0, 80, 0, -10] as [number, number, number, number, number, number],
    crs: { epsg: 32717, geographic: false },
  };
  const dem = new Float32Array(64).map((_, i) => 100 + 10 * (i % 8)); // dz/dx = 1: slope 45 degrees
  const path = join(outDir, "dem.tif");
  await writeCog(path, { ...grid, bands: [dem], nodata: Number.NaN });
  await put("data", "dem/small.tif", readFileSync(path));

  const saved = { ...process.env };
  Object.assign(process.env, s3.environment, { RESULTS_BUCKET: "results" });
  try {
    const handlerFile = join(outDir, "functions", "terrain", "index.mjs");
    const module = (await import(pathToFileURL(handlerFile).href)) as {
      handler: (
        event: unknown,
      ) => Promise<{ outputs: Record<string, string>; summary: { outputs: { slope: { max: number } } } }>;
    };
    const result = await module.handler({ inputs: { dem: "s3://data/dem/small.tif" } });
    assert.match(result.outputs.slope_tif, /^s3:\/\/results\/runs\/terrain\/[0-9a-f]{32}\/slope\.tif$/);
    // A plane with dz/dx = 1 has a 45 degree slope; 1e-3 degrees covers float32 rounding.
    assert.ok(
      Math.abs(result.summary.outputs.slope.max - 45) < 1e-3,
      JSON.stringify(result.summary.outputs.slope),
    );
  } finally {
    process.env = saved;
  }
});

test("the bundles' zod (without its translated locales) words invalid input as the sources' does", async () => {
  const bundled = (await import(pathToFileURL(join(outDir, "functions", "terrain", "index.mjs")).href)) as {
    handler: (event: unknown) => Promise<unknown>;
  };
  const { handler } = await import("../../functions/terrain/handler.ts");
  const event = { inputs: { dem: "s3://data/dem/small.tif" }, params: { method: "steepest", threads: 0 } };
  const message = async (run: (event: unknown) => Promise<unknown>) =>
    run(event).then(
      () => "no error",
      (error: Error) => `${error.name}: ${error.message}`,
    );
  const saved = { ...process.env };
  Object.assign(process.env, s3.environment, { RESULTS_BUCKET: "results" });
  try {
    const expected = await message(handler);
    assert.match(expected, /^InputError: .*method/);
    assert.equal(await message(bundled.handler), expected);
  } finally {
    process.env = saved;
  }
});

test("the sem image's bundle runs a job on 2 threads from a folder without node_modules", async () => {
  const image = join(outside, "app");
  await bundle(containerTarget("sem"), join(outDir, "containers", "sem"));
  cpSync(join(outDir, "containers", "sem"), image, { recursive: true });
  const dem = join(outDir, "ridge.tif");
  await writeRidgeDem(dem);
  await put("data", "dem/ridge.tif", readFileSync(dem));
  await put("data", "scenarios/ridge.json", JSON.stringify(ridgeScenario("bundle")));
  const resultUri = "s3://results/intermediate/bundle/sem-result.json";
  const job = {
    inputs: { model: "s3://data/scenarios/ridge.json", dem: "s3://data/dem/ridge.tif" },
    params: { ac: [0.001] },
    resultUri,
  };
  const { code, output } = await run(
    ["entrypoint.mjs"],
    {
      ...s3.environment,
      RESULTS_BUCKET: "results",
      QUAKESLIDE_THREADS: "2",
      QUAKESLIDE_JOB: JSON.stringify(job),
    },
    image,
  );
  assert.equal(code, 0, output);
  const stored = await client.send(
    new GetObjectCommand({ Bucket: "results", Key: "intermediate/bundle/sem-result.json" }),
  );
  const result = JSON.parse(await stored.Body!.transformToString());
  assert.ok(result.outputs.seismograms_csv && result.outputs.peaks_json, JSON.stringify(result));
});

test("the bundled CLI runs terrain on 2 worker threads and writes the same COGs as the sources in-process", async () => {
  const cli = join(outDir, "cli");
  await bundle(cliTarget(), cli);
  const fromBundle = join(outDir, "terrain-bundle");
  // What bin/quakeslide.mjs does with a fresh dist/: import main from the bundle and run it.
  const entry = join(cli, "run.mjs");
  writeFileSync(
    entry,
    'import { main } from "./main.mjs";\nprocess.exitCode = await main(process.argv.slice(2));\n',
  );
  const dem = "data/ecuador/dem.tif";
  const { code, output } = await run([
    entry,
    "terrain",
    "--dem",
    dem,
    "--out",
    fromBundle,
    "--threads",
    "2",
    "--json",
  ]);
  assert.equal(code, 0, output);
  const fromSources = join(outDir, "terrain-sources");
  await runTerrain({ dem, outDir: fromSources, threads: 1 });
  for (const name of ["slope", "aspect", "curvature_plan", "curvature_profile"]) {
    assert.ok(
      readFileSync(join(fromBundle, `${name}.tif`)).equals(readFileSync(join(fromSources, `${name}.tif`))),
      `${name}.tif differs`,
    );
  }
});
