import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { writeCog } from "../../core/raster/index.ts";
import type { Grid } from "../../core/raster/types.ts";
import {
  campaignInputSchema,
  campaignItemSchema,
  hazardPipelineInputSchema,
  retrainInputSchema,
} from "../../functions/shared/machines.ts";
import { createApp } from "../../infra/app.ts";
import type { ExecutionRecord } from "../../local/executions.ts";
import { EmbeddedRuntime } from "../../local/runtime.ts";
import { synthesizeTemplates } from "../../local/templates.ts";

// The synthesized state machines, executed end to end by the embedded runtime (local ASL
// interpreter, in-process handlers, Batch jobs as local processes, the inventory rule on S3
// writes): the JSONPath wiring, intrinsic functions and output names are what is under test.

const SIZE = 30;
const grid: Grid = {
  width: SIZE,
  height: SIZE,
  transform: [500_000, 10, 0, 9_800_000, 0, -10],
  crs: { epsg: 32717, geographic: false },
};
let runtime: EmbeddedRuntime;
let stateDir: string;
let data: string;
let modelUri: string;

before(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "quakeslide-machines-"));
  const outdir = join(stateDir, "cdk.out");
  const { app } = createApp({ context: { "aws:cdk:bundling-stacks": [] }, outdir });
  runtime = await EmbeddedRuntime.start({
    projectRoot: process.cwd(),
    templates: synthesizeTemplates(app),
    stateDir,
  });
  data = runtime.bucketName("DataBucket");

  const elevation = new Float32Array(SIZE * SIZE);
  const noise = new Float32Array(SIZE * SIZE);
  for (let i = 0; i < SIZE * SIZE; i++) {
    elevation[i] = 100 + 5 * (i % SIZE); // a plane dipping east, 26.6 degrees
    noise[i] = ((i * 7919) % 97) / 97;
  }
  await putRaster("dem/plane.tif", [elevation]);
  await putRaster("covariates/susceptibility.tif", [elevation, noise], ["elevation", "noise"]);
  await put("records/gilroy.AT2", readFileSync("data/records/RSN763_LOMAP_GIL067.AT2"));
  const samples = ["x,y,thickness"];
  const inventory = ["x,y,landslide"];
  for (let i = 0; i < 40; i++) {
    const [col, row] = [2 + 3 * (i % 8), 3 + 5 * Math.floor(i / 8)];
    const [x, y] = [500_005 + 10 * col, 9_799_995 - 10 * row];
    samples.push(`${x},${y},${(1.5 + 0.002 * (x - 500_000)).toFixed(3)}`);
    inventory.push(`${x},${y},${col >= SIZE / 2 ? 1 : 0}`);
  }
  await put("soil/thickness.csv", `${samples.join("\n")}\n`);
  // Last: this write starts `retrain` through the inventory rule.
  await put("inventory/area.csv", `${inventory.join("\n")}\n`);
});

after(async () => {
  await runtime.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

async function put(key: string, body: string | Buffer) {
  await runtime.s3Client.send(new PutObjectCommand({ Bucket: data, Key: key, Body: body }));
}

async function putRaster(key: string, bands: Float32Array[], bandNames?: string[]) {
  const path = join(stateDir, key.replace("/", "-"));
  await writeCog(path, { ...grid, bands, bandNames, nodata: Number.NaN });
  await put(key, readFileSync(path));
}

async function exists(uri: string): Promise<boolean> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/([^#]+)/.exec(uri)!;
  return runtime.s3Client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );
}

async function text(uri: string): Promise<string> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!;
  const object = await runtime.s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body!.transformToString();
}

function run(flow: string, input: unknown): Promise<ExecutionRecord> {
  const machine = runtime.model.stateMachines.find((m) => m.name.endsWith(`-quakeslide-${flow}`));
  assert.ok(machine, `state machine ${flow}`);
  return runtime.executor.wait(runtime.executor.start(machine, input).executionId);
}

async function waitForRuleExecution(flow: string, timeoutMs: number): Promise<ExecutionRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const started = runtime.store.list().find((r) => r.flow.endsWith(`-quakeslide-${flow}`));
    if (started) return runtime.executor.wait(started.executionId);
    if (Date.now() > deadline) throw new Error(`no ${flow} execution within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const output = (record: ExecutionRecord) => record.output as Record<string, string>;

test("an inventory under inventory/ starts retrain (small: trained in Lambda), which predicts with the new model", async () => {
  const record = await waitForRuleExecution("retrain", 30_000);
  assert.equal(record.status, "SUCCEEDED", JSON.stringify(record.failure));
  modelUri = output(record).model;
  assert.match(modelUri, /\/runs\/susceptibility-train\/[0-9a-f]{32}\/model\.json$/);
  assert.ok(await exists(`${output(record).susceptibility}susceptibility.tif`));
});

test("retrain above the size threshold trains in the `train` Batch container and predicts from its result", async () => {
  const record = await run("retrain", {
    inventory: `s3://${data}/inventory/area.csv`,
    size: 1000,
    covariates: `s3://${data}/covariates/susceptibility.tif`,
    batchThresholdBytes: 10,
    train: { params: { label: "landslide", forest: { trees: 20 }, cvRepeats: 0 } },
    predict: { params: {} },
  });
  assert.equal(record.status, "SUCCEEDED", JSON.stringify(record.failure));
  assert.match(output(record).model, /\/intermediate\/retrain\/.+\/train-result\.json#model_json$/);
  assert.ok(await exists(`${output(record).susceptibility}susceptibility.tif`));
});

const hazardInput = (stabilityParams: Record<string, unknown>) => ({
  dem: `s3://${data}/dem/plane.tif`,
  krige: {
    samples: `s3://${data}/soil/thickness.csv`,
    target: "thickness",
    params: { value: "thickness", cv: "none", variogram: "exp(nugget=0.001,psill=0.1,range=150)" },
  },
  stability: { inputs: {}, params: stabilityParams },
  newmark: { inputs: { record: `s3://${data}/records/gilroy.AT2` }, params: {} },
  susceptibility: {
    inputs: { model: modelUri, covariates: `s3://${data}/covariates/susceptibility.tif` },
    params: {},
  },
});

test("hazard-pipeline: terrain ‖ krige → stability (kriged thickness) → newmark-map → susceptibility-predict → hazard → publish", async () => {
  const record = await run(
    "hazard-pipeline",
    hazardInput({ cohesion: 5, frictionAngle: 32, unitWeight: 19, saturation: 0 }),
  );
  assert.equal(record.status, "SUCCEEDED", JSON.stringify(record.failure));
  // Publish returns the product and every step's run prefix (no ground motion, a given model).
  const prefixes = (record.output as { steps: Record<string, string> }).steps;
  assert.deepEqual(Object.keys(prefixes).sort(), [
    "hazard",
    "krige",
    "newmark",
    "stability",
    "susceptibility",
    "terrain",
  ]);
  assert.ok(await exists(`${prefixes.newmark}dn_cm.tif`));
  assert.ok(await exists(`${prefixes.stability}manifest.json`));
  // The kriged raster reached stability as its `thickness` input (the manifest names its inputs).
  const inputs = JSON.parse(await text(`${prefixes.stability}manifest.json`)).inputs;
  assert.match(inputs.thickness[0].uri, /\/runs\/krige\/[0-9a-f]{32}\/prediction\.tif$/);
  assert.match(inputs.slope[0].uri, /\/runs\/terrain\/[0-9a-f]{32}\/slope\.tif$/);
});

test("hazard-pipeline with a missing soil parameter fails as InputError without retrying", async () => {
  const record = await run("hazard-pipeline", hazardInput({ cohesion: 5, unitWeight: 19, saturation: 0 }));
  assert.equal(record.status, "FAILED");
  assert.equal(record.failure?.error, "InputError");
  assert.match(String(record.failure?.cause), /frictionAngle/);
});

test("the machine input schemas accept what the tests above ran and what the inventory rule sends", () => {
  assert.equal(
    hazardPipelineInputSchema.safeParse(
      hazardInput({ cohesion: 5, frictionAngle: 32, unitWeight: 19, saturation: 0 }),
    ).success,
    true,
  );
  assert.equal(
    campaignInputSchema.safeParse({
      campaignId: "c1",
      itemsKey: "campaigns/c1/items.json",
      index: `s3://${data}/campaigns/c1/index.json`,
      job: { params: {} },
    }).success,
    true,
  );
  const rule = runtime.model.rules.find((r) => JSON.stringify(r.eventPattern).includes("inventory/"))!;
  const template = rule.targets[0].inputTransformer!.InputTemplate;
  const sent = JSON.parse(
    template
      .replace("<detail-bucket-name>", data)
      .replace("<detail-object-key>", "inventory/area.csv")
      .replace("<detail-object-size>", "1234"),
  );
  assert.deepEqual(retrainInputSchema.safeParse(sent).error, undefined);
  // Negative case: a typo in a key the machine reads is caught before an execution starts.
  assert.equal(
    retrainInputSchema.safeParse({ ...sent, covariate: sent.covariates, covariates: undefined }).success,
    false,
  );
  assert.equal(campaignItemSchema.safeParse({ id: "bad id/1", inputs: {} }).success, false);
});
