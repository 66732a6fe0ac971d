import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { writeCog } from "../../core/raster/index.ts";
import type { Grid } from "../../core/raster/types.ts";
import type { ExecutionRecord } from "../../local/executions.ts";
import { EmbeddedRuntime } from "../../local/runtime.ts";

// The project's own CDK app (infra/app.ts, stage `local`), its real handlers and containers, run
// by the embedded runtime. Inputs are uploaded over HTTP; outputs are read back from the local
// results bucket. The science is each area's own test; here: the flows run end to end.

const repositoryRoot = join(import.meta.dirname, "..", "..");
const SIZE = 30;
const CELL = 10; // m
const grid: Grid = {
  width: SIZE,
  height: SIZE,
  transform: [500_000, CELL, 0, 9_800_000, 0, -CELL],
  crs: { epsg: 32717, geographic: false },
};

let workDir: string;
let runtime: EmbeddedRuntime;
let data: string;
let results: string;

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), "quakeslide-flows-"));
  runtime = await EmbeddedRuntime.start({ projectRoot: repositoryRoot, stateDir: join(workDir, "state") });
  data = runtime.bucketName("DataBucket");
  results = runtime.bucketName("ResultsBucket");
  const elevation = new Float32Array(SIZE * SIZE);
  const noise = new Float32Array(SIZE * SIZE);
  for (let row = 0; row < SIZE; row++) {
    for (let col = 0; col < SIZE; col++) {
      elevation[row * SIZE + col] = 100 + 0.5 * CELL * col; // a plane dipping east at 26.6 degrees
      noise[row * SIZE + col] = ((row * 7919 + col * 104729) % 97) / 97;
    }
  }
  await uploadRaster("dem/plane.tif", { ...grid, bands: [elevation], nodata: Number.NaN });
  await uploadRaster("covariates/susceptibility.tif", {
    ...grid,
    bands: [elevation, noise],
    bandNames: ["elevation", "noise"],
    nodata: Number.NaN,
  });
  await put("records/gilroy.AT2", readFileSync(join(repositoryRoot, "data/records/RSN763_LOMAP_GIL067.AT2")));
  const samples = ["x,y,thickness"];
  for (let i = 0; i < 40; i++) {
    const [col, row] = [2 + 3 * (i % 8), 3 + 5 * Math.floor(i / 8)];
    const [x, y] = [500_000 + (col + 0.5) * CELL, 9_800_000 - (row + 0.5) * CELL];
    samples.push(`${x},${y},${(1.5 + 0.002 * (x - 500_000)).toFixed(3)}`);
  }
  await put("soil/thickness.csv", `${samples.join("\n")}\n`);
});

after(async () => {
  await runtime?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

async function put(key: string, body: string | Buffer) {
  await runtime.s3Client.send(new PutObjectCommand({ Bucket: data, Key: key, Body: body }));
}

async function uploadRaster(key: string, raster: Parameters<typeof writeCog>[1]) {
  const path = join(workDir, key.replace("/", "-"));
  await writeCog(path, raster);
  await put(key, readFileSync(path));
}

async function exists(uri: string): Promise<boolean> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!;
  const object = await runtime.s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (object.ContentLength ?? 0) > 0;
}

function inventoryCsv(): string {
  const rows = ["x,y,landslide"];
  for (let i = 0; i < 40; i++) {
    const [col, row] = [2 + 3 * (i % 8), 3 + 5 * Math.floor(i / 8)];
    rows.push(`${500_000 + (col + 0.5) * CELL},${9_800_000 - (row + 0.5) * CELL},${col >= SIZE / 2 ? 1 : 0}`);
  }
  return `${rows.join("\n")}\n`;
}

async function waitForNewExecution(flowSuffix: string, known: number): Promise<ExecutionRecord> {
  for (let i = 0; i < 100; i++) {
    const runs = runtime.store.list().filter((r) => r.flow.endsWith(flowSuffix));
    if (runs.length > known) return runtime.executor.wait(runs[0].executionId);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`no ${flowSuffix} execution started`);
}

let modelUri: string;

test("retrain starts from an inventory written under inventory/ (the app's EventBridge rule)", async () => {
  const known = runtime.store.list().filter((r) => r.flow.endsWith("retrain")).length;
  await put("inventory/area.csv", inventoryCsv());
  const record = await waitForNewExecution("retrain", known);
  assert.equal(record.status, "SUCCEEDED", JSON.stringify(record.failure));
  const output = record.output as { model: string; susceptibility: string };
  assert.ok(record.completedStates.includes("TrainOnLambda"), "a small inventory trains in Lambda");
  modelUri = output.model;
  assert.ok(await exists(modelUri));
  assert.match(output.susceptibility, new RegExp(`^s3://${results}/runs/susceptibility-predict/`));
});

test("hazard-pipeline runs terrain ‖ krige → stability → newmark → susceptibility → hazard → publish", async () => {
  const machine = runtime.model.stateMachines.find((m) => m.name.endsWith("hazard-pipeline"))!;
  const started = runtime.executor.start(machine, {
    dem: `s3://${data}/dem/plane.tif`,
    krige: {
      samples: `s3://${data}/soil/thickness.csv`,
      target: "thickness",
      params: { value: "thickness", cv: "none", variogram: "exp(nugget=0.001,psill=0.1,range=150)" },
    },
    stability: { inputs: {}, params: { cohesion: 5, frictionAngle: 32, unitWeight: 19, saturation: 0 } },
    newmark: { inputs: { record: `s3://${data}/records/gilroy.AT2` }, params: {} },
    susceptibility: {
      inputs: { model: modelUri, covariates: `s3://${data}/covariates/susceptibility.tif` },
      params: {},
    },
  });
  const record = await runtime.executor.wait(started.executionId);
  assert.equal(record.status, "SUCCEEDED", JSON.stringify(record.failure));
  const summary = (record.output as { steps: Record<string, string> }).steps;
  for (const step of ["terrain", "krige", "stability", "newmark", "susceptibility", "hazard"]) {
    assert.match(summary[step], new RegExp(`^s3://${results}/runs/`), step);
  }
});

test("retrain on the Batch path runs the train container as a local job", async () => {
  const machine = runtime.model.stateMachines.find((m) => m.name.endsWith("retrain"))!;
  const started = runtime.executor.start(machine, {
    inventory: `s3://${data}/inventory/area.csv`,
    size: 1000,
    covariates: `s3://${data}/covariates/susceptibility.tif`,
    batchThresholdBytes: 0, // force the GPU-queue path
    train: { params: { label: "landslide", forest: { trees: 20 }, cvRepeats: 0 } },
    predict: { params: {} },
  });
  const record = await runtime.executor.wait(started.executionId);
  assert.equal(record.status, "SUCCEEDED", JSON.stringify(record.failure));
  assert.ok(record.completedStates.includes("TrainOnBatch"));
});
