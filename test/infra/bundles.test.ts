import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { build } from "esbuild";
import { writeCog } from "../../core/raster/index.ts";
import { S3_CLIENT_SETTINGS } from "../../functions/shared/s3.ts";
import { LIGHT_STEPS } from "../../infra/pipeline/light-steps.ts";
import { LAMBDA_BUNDLE } from "../../infra/pipeline/step-lambda.ts";
import { type LocalS3, startLocalS3 } from "../../local/s3-server.ts";

// What Lambda runs is the esbuild bundle, not the TypeScript the other tests import: bundle each
// handler as the CDK app does and run one of them, so a dependency that breaks in a single-file
// ESM bundle (CommonJS interop, dynamic imports, files read next to a module) is caught here.
// Bundles go under .quakeslide/ (git-ignored) so that `@aws-sdk/*`, left external as in Lambda,
// resolves from the repository's node_modules.

const root = resolve(".quakeslide");
mkdirSync(root, { recursive: true });
const outDir = mkdtempSync(join(root, "bundles-"));
let s3: LocalS3;

before(async () => {
  s3 = await startLocalS3({ directory: join(outDir, "s3"), buckets: ["data", "results"] });
});

after(async () => {
  await s3.close();
  rmSync(outDir, { recursive: true, force: true });
});

async function bundle(name: string): Promise<string> {
  const outfile = join(outDir, name, "index.mjs");
  const result = await build({
    entryPoints: [`functions/${name}/handler.ts`],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: LAMBDA_BUNDLE.target,
    external: [...LAMBDA_BUNDLE.external],
    banner: { js: LAMBDA_BUNDLE.banner },
    minify: true,
    logLevel: "silent",
  });
  assert.deepEqual(result.errors, []);
  return outfile;
}

test("every step handler bundles into one ESM file well under Lambda's 250 MB limit", async () => {
  for (const name of Object.keys(LIGHT_STEPS)) {
    const outfile = await bundle(name);
    const megabytes = statSync(outfile).size / 1e6;
    assert.ok(megabytes < 20, `${name}: ${megabytes.toFixed(1)} MB`);
  }
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
  const client = new S3Client({ ...s3.clientConfig, ...S3_CLIENT_SETTINGS });
  await client.send(new PutObjectCommand({ Bucket: "data", Key: "dem/small.tif", Body: readFileSync(path) }));
  client.destroy();

  const saved = { ...process.env };
  Object.assign(process.env, s3.environment, { RESULTS_BUCKET: "results" });
  try {
    const module = (await import(pathToFileURL(await bundle("terrain")).href)) as {
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
