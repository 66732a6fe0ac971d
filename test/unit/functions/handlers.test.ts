import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { readRaster, writeCog } from "../../../core/raster/index.ts";
import type { Grid } from "../../../core/raster/types.ts";
import { handler as krige } from "../../../functions/krige/handler.ts";
import { handler as newmarkMap } from "../../../functions/newmark-map/handler.ts";
import type { StepResult } from "../../../functions/shared/event.ts";
import { S3_CLIENT_SETTINGS } from "../../../functions/shared/s3.ts";
import { handler as stability } from "../../../functions/stability/handler.ts";
import { handler as predict } from "../../../functions/susceptibility-predict/handler.ts";
import { handler as train } from "../../../functions/susceptibility-train/handler.ts";
import { handler as terrain } from "../../../functions/terrain/handler.ts";
import { type LocalS3, startLocalS3 } from "../../../local/s3-server.ts";

// The real handlers, chained with the output names the state machines use (slope_tif, ac_tif,
// model_json, ...), against a real S3-compatible server. The science is each area's own test;
// here the checks are that events reach core intact and outputs land where the machines look.

const SIZE = 30;
const CELL = 10; // m
const GRADIENT = 0.5; // dz/dx: a plane dipping east at atan(0.5) = 26.565 degrees
const grid: Grid = {
  width: SIZE,
  height: SIZE,
  transform: [500_000, CELL, 0, 9_800_000, 0, -CELL],
  crs: { epsg: 32717, geographic: false },
};

let s3: LocalS3;
let client: S3Client;
let directory: string;
const savedEnv = { ...process.env };

before(async () => {
  directory = mkdtempSync(join(tmpdir(), "quakeslide-handlers-"));
  s3 = await startLocalS3({ directory: join(directory, "s3"), buckets: ["data", "results"] });
  client = new S3Client({ ...s3.clientConfig, ...S3_CLIENT_SETTINGS });
  Object.assign(process.env, s3.environment, { RESULTS_BUCKET: "results", QUAKESLIDE_CODE_VERSION: "test" });

  const elevation = new Float32Array(SIZE * SIZE);
  const noise = new Float32Array(SIZE * SIZE);
  for (let row = 0; row < SIZE; row++) {
    for (let col = 0; col < SIZE; col++) {
      elevation[row * SIZE + col] = 100 + GRADIENT * CELL * col;
      noise[row * SIZE + col] = ((row * 7919 + col * 104729) % 97) / 97; // deterministic, uninformative
    }
  }
  await uploadRaster("dem/plane.tif", { ...grid, bands: [elevation], nodata: Number.NaN });
  await uploadRaster("covariates/stack.tif", {
    ...grid,
    bands: [elevation, noise],
    bandNames: ["elevation", "noise"],
    nodata: Number.NaN,
  });
  await put("records/gilroy.AT2", readFileSync("data/records/RSN763_LOMAP_GIL067.AT2"));

  // Soil thickness samples and a landslide inventory inside the DEM's extent.
  const samples = ["x,y,thickness"];
  const inventory = ["x,y,landslide"];
  for (let i = 0; i < 40; i++) {
    const col = 2 + 3 * (i % 8); // 8 x 5 distinct cells spread over the grid
    const row = 3 + 5 * Math.floor(i / 8);
    const [x, y] = [500_000 + (col + 0.5) * CELL, 9_800_000 - (row + 0.5) * CELL];
    samples.push(`${x},${y},${(1.5 + 0.002 * (x - 500_000)).toFixed(3)}`);
    inventory.push(`${x},${y},${col >= SIZE / 2 ? 1 : 0}`); // landslides on the high (east) half
  }
  await put("soil/thickness.csv", `${samples.join("\n")}\n`);
  await put("inventory/area.csv", `${inventory.join("\n")}\n`);
});

after(async () => {
  process.env = savedEnv;
  client.destroy();
  await s3.close();
  rmSync(directory, { recursive: true, force: true });
});

async function put(key: string, body: string | Buffer) {
  await client.send(new PutObjectCommand({ Bucket: "data", Key: key, Body: body }));
}

async function uploadRaster(key: string, raster: Parameters<typeof writeCog>[1]) {
  const path = join(directory, key.replace("/", "-"));
  await writeCog(path, raster);
  await put(key, readFileSync(path));
}

async function download(uri: string): Promise<Buffer> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!;
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await response.Body!.transformToByteArray());
}

async function rasterAt(uri: string) {
  const path = join(directory, `${createHash("sha1").update(uri).digest("hex")}.tif`);
  writeFileSync(path, await download(uri));
  return readRaster(path);
}

function assertOnDemGrid(raster: Grid, what: string) {
  assert.deepEqual(
    [raster.width, raster.height, raster.transform],
    [grid.width, grid.height, grid.transform],
    what,
  );
}

const results: Record<string, StepResult> = {};

test("terrain: slope of the plane, under runs/terrain/<hash>/ with a manifest that checksums it", async () => {
  results.terrain = await terrain({ inputs: { dem: "s3://data/dem/plane.tif" } });
  assert.match(results.terrain.runPrefix, /^s3:\/\/results\/runs\/terrain\/[0-9a-f]{32}\/$/);
  const slope = await rasterAt(results.terrain.outputs.slope_tif);
  assertOnDemGrid(slope, "slope");
  // Horn's kernel is exact on a plane; 1e-3 degrees covers float32 rounding of elevations ~100 m.
  const interior = (slope.bands[0] as Float32Array)[15 * SIZE + 15];
  assert.ok(Math.abs(interior - (Math.atan(GRADIENT) * 180) / Math.PI) < 1e-3, `slope ${interior}`);
  const manifest = JSON.parse((await download(results.terrain.manifest)).toString("utf8"));
  const sha = createHash("sha256")
    .update(await download(results.terrain.outputs.slope_tif))
    .digest("hex");
  assert.equal(manifest.outputs["slope.tif"].sha256, sha);
});

test("krige: soil thickness samples onto the DEM grid", async () => {
  results.krige = await krige({
    inputs: { samples: "s3://data/soil/thickness.csv", grid: "s3://data/dem/plane.tif" },
    // A fixed model: what is tested here is the wiring, not the variogram fit.
    params: { value: "thickness", cv: "none", variogram: "exp(nugget=0.001,psill=0.1,range=150)" },
  });
  const prediction = await rasterAt(results.krige.outputs.prediction_tif);
  assertOnDemGrid(prediction, "prediction");
  const values = prediction.bands[0] as Float32Array;
  // Samples run from 1.51 to 2.09 m; an interpolator stays (close to) inside that range.
  for (const value of values) assert.ok(value > 1.3 && value < 2.3, `kriged thickness ${value}`);
});

test("stability: the kriged raster and constants reach core (FS of the infinite slope at one cell)", async () => {
  results.stability = await stability({
    inputs: { slope: results.terrain.outputs.slope_tif, thickness: results.krige.outputs.prediction_tif },
    params: { cohesion: 5, frictionAngle: 32, unitWeight: 19, saturation: 0 },
  });
  const fs = await rasterAt(results.stability.outputs.fs_tif);
  const thickness = (await rasterAt(results.krige.outputs.prediction_tif)).bands[0] as Float32Array;
  const cell = 15 * SIZE + 15;
  const slope = Math.atan(GRADIENT);
  // FS = c'/(gamma t sin a) + tan phi'/tan a with m = 0 (DESIGN.md); float32 rasters: 1e-4 relative.
  const expected =
    5 / (19 * thickness[cell] * Math.sin(slope)) + Math.tan((32 * Math.PI) / 180) / Math.tan(slope);
  const actual = (fs.bands[0] as Float32Array)[cell];
  assert.ok(Math.abs(actual - expected) / expected < 1e-4, `FS ${actual} vs ${expected}`);
  assert.ok(results.stability.outputs.ac_tif);
});

test("newmark-map: a_c from stability and a PEER record from the data bucket", async () => {
  results.newmark = await newmarkMap({
    inputs: { ac: results.stability.outputs.ac_tif, record: "s3://data/records/gilroy.AT2" },
  });
  const displacement = await rasterAt(results.newmark.outputs.dn_cm_tif);
  assertOnDemGrid(displacement, "dn_cm");
  for (const value of displacement.bands[0] as Float32Array) assert.ok(Number.isNaN(value) || value >= 0);
  assert.ok(results.newmark.outputs.pf_tif);
});

test("susceptibility-train then -predict: model_json feeds predict; the east half scores higher", async () => {
  results.train = await train({
    inputs: { inventory: "s3://data/inventory/area.csv", covariates: "s3://data/covariates/stack.tif" },
    params: { label: "landslide", forest: { trees: 30 }, cvRepeats: 0 },
  });
  assert.ok(results.train.outputs.model_json);
  results.predict = await predict({
    inputs: { model: results.train.outputs.model_json, covariates: "s3://data/covariates/stack.tif" },
  });
  const map = (await rasterAt(results.predict.outputs.susceptibility_tif)).bands[0] as Float32Array;
  let west = 0;
  let east = 0;
  for (let row = 0; row < SIZE; row++) {
    for (let col = 0; col < SIZE; col++) {
      if (col < SIZE / 2) west += map[row * SIZE + col];
      else east += map[row * SIZE + col];
    }
  }
  // Labels follow elevation exactly, so any working forest separates the halves by a wide margin.
  assert.ok(east > west + (0.3 * (SIZE * SIZE)) / 2, `mean east ${east / 450} vs west ${west / 450}`);
});

test("a handler given a bad event throws an InputError naming the option", async () => {
  await assert.rejects(
    stability({
      inputs: { slope: results.terrain.outputs.slope_tif },
      params: { cohesion: true, frictionAngle: 32, unitWeight: 19, thickness: 2, saturation: 0 },
    }),
    (error: Error) => error.name === "InputError" && /cohesion/.test(error.message),
  );
  await assert.rejects(
    terrain({ inputs: {} }),
    (error: Error) => error.name === "InputError" && /dem/.test(error.message),
  );
});

test("an InputError from core names the S3 object, not the handler's local copy", async () => {
  await put("dem/not-a-tiff.tif", "this is text, not a GeoTIFF");
  await assert.rejects(terrain({ inputs: { dem: "s3://data/dem/not-a-tiff.tif" } }), (error: Error) => {
    assert.equal(error.name, "InputError");
    assert.match(error.message, /s3:\/\/data\/dem\/not-a-tiff\.tif/);
    assert.doesNotMatch(error.message, /quakeslide-terrain-/, "no staged /tmp path");
    return true;
  });
});

test("a raster past the memory limit is refused before it is read; an event cannot raise the limit, the environment can", async () => {
  await put("dem/huge.tif", readFileSync("test/fixtures/limits/huge-50000x50000.tif"));
  await assert.rejects(
    terrain({ inputs: { dem: "s3://data/dem/huge.tif" }, params: { memoryLimitGb: 1e6 } }),
    (error: Error) =>
      error.name === "InputError" &&
      /terrain event: unknown field\(s\) memoryLimitGb \(QUAKESLIDE_MEMORY_LIMIT_GB sets the memory limit\)/.test(
        error.message,
      ),
  );
  await assert.rejects(terrain({ inputs: { dem: "s3://data/dem/huge.tif" } }), (error: Error) => {
    assert.equal(error.name, "LimitExceededError");
    assert.match(error.message, /s3:\/\/data\/dem\/huge\.tif: terrain of a DEM 50000 cells wide/);
    assert.match(error.message, /above the limit of 4 GB/);
    return true;
  });
  // A DEM of its own: the plane's terrain has run already and would be reused, not recomputed.
  await uploadRaster("dem/flat.tif", {
    ...grid,
    bands: [new Float32Array(SIZE * SIZE).fill(100)],
    nodata: Number.NaN,
  });
  process.env.QUAKESLIDE_MEMORY_LIMIT_GB = "0.01";
  try {
    await assert.rejects(
      terrain({ inputs: { dem: "s3://data/dem/flat.tif" } }),
      (error: Error) =>
        error.name === "LimitExceededError" && /above the limit of 0\.01 GB/.test(error.message),
    );
  } finally {
    delete process.env.QUAKESLIDE_MEMORY_LIMIT_GB;
  }
});
