import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { ExecutionRecord } from "../../local/executions.ts";
import { EmbeddedRuntime } from "../../local/runtime.ts";
import { inventoryCsv, syntheticAreaConfig, syntheticAreaFiles } from "../helpers/synthetic-area.ts";

// Inventory-triggered updates: a new inventory/<name>.csv first scores the published model on it,
// then retrains and publishes a new susceptibility version with the comparison; later events of an
// area on the same covariates use the new model.

const repositoryRoot = join(import.meta.dirname, "..", "..");
let workDir: string;
let runtime: EmbeddedRuntime;
let data: string;
let results: string;

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), "quakeslide-inventory-"));
  runtime = await EmbeddedRuntime.start({ projectRoot: repositoryRoot, stateDir: join(workDir, "state") });
  data = runtime.bucketName("DataBucket");
  results = runtime.bucketName("ResultsBucket");
  const files = await syntheticAreaFiles(workDir);
  // The stage's retraining covariates (cdk.json: retrainCovariatesKey) and the area's own files.
  await put("covariates/susceptibility.tif", files["covariates.tif"]);
  for (const [name, body] of Object.entries(files)) await put(`areas/ridge/${name}`, body);
});

after(async () => {
  await runtime?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

async function put(key: string, body: string | Buffer) {
  await runtime.s3Client.send(new PutObjectCommand({ Bucket: data, Key: key, Body: body }));
}

async function json(uri: string): Promise<Record<string, unknown>> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!;
  const object = await runtime.s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse(await object.Body!.transformToString());
}

async function exists(uri: string): Promise<boolean> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!;
  return runtime.s3Client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );
}

/** Writes an object that a rule reacts to and waits for the execution of `flow` it starts. */
async function triggered(flow: string, write: () => Promise<void>): Promise<ExecutionRecord> {
  const known = new Set(runtime.store.list().map((r) => r.executionId));
  await write();
  for (let i = 0; i < 1200; i++) {
    const started = runtime.store.list().find((r) => r.flow.endsWith(flow) && !known.has(r.executionId));
    if (started) return runtime.executor.wait(started.executionId);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`no ${flow} execution started`);
}

type RetrainOutput = {
  version: number;
  published: string;
  comparison: {
    previous: { version: number; aurocOnNewInventory: number | null } | null;
    next: { version: number; spatialCvAuroc: number | null };
    map: { cells: number; meanAbsoluteDifference: number; correlation: number } | null;
  };
};

test("a first inventory trains and publishes susceptibility version 1 (nothing to score yet)", async () => {
  const record = await triggered("retrain", () => put("inventory/first.csv", inventoryCsv(0)));
  assert.equal(record.status, "SUCCEEDED", JSON.stringify(record.failure));
  assert.ok(record.completedStates.includes("NothingToScore"));
  const output = record.output as RetrainOutput;
  assert.equal(output.version, 1);
  assert.equal(output.comparison.previous, null);
  assert.equal(output.comparison.map, null);
  assert.ok(await exists(`${output.published}manifest.json`));
  assert.ok(await exists(`${output.published}susceptibility.tif`));
  const latest = await json(`s3://${results}/susceptibility/latest.json`);
  assert.equal(latest.version, 1);
});

test("a second inventory is first scored by version 1, then version 2 is published with the comparison", async () => {
  const record = await triggered("retrain", () => put("inventory/second.csv", inventoryCsv(1)));
  assert.equal(record.status, "SUCCEEDED", JSON.stringify(record.failure));
  const order = record.completedStates;
  assert.ok(
    order.indexOf("ScoreCurrentModel") >= 0 &&
      order.indexOf("ScoreCurrentModel") < order.indexOf("PublishSusceptibility"),
  );
  const { version, published, comparison } = record.output as RetrainOutput;
  assert.equal(version, 2);
  // The synthetic inventories follow steepness, so the old model predicts the new points well.
  const oldAuroc = comparison.previous?.aurocOnNewInventory ?? Number.NaN;
  assert.ok(oldAuroc > 0.7 && oldAuroc <= 1, `v1 AUROC on the new inventory: ${oldAuroc}`);
  assert.ok((comparison.next.spatialCvAuroc ?? 0) > 0.5);
  assert.equal(comparison.map?.cells, 40 * 40);
  assert.ok((comparison.map?.correlation ?? 0) > 0.5, "two models of the same relation draw similar maps");
  for (const name of ["difference.tif", "difference.png", "comparison.json", "report.html", "model.json"])
    assert.ok(await exists(`${published}${name}`), name);
  const latest = await json(`s3://${results}/susceptibility/latest.json`);
  assert.equal(latest.version, 2);
  assert.deepEqual(
    (latest.previous as { version: number }[]).map((p) => p.version),
    [1],
  );
});

test("events of an area on the same covariates use the newest published model", async () => {
  const config = syntheticAreaConfig("ridge", data);
  config.pipeline.susceptibility.inputs = {
    inventory: `s3://${data}/areas/ridge/inventory.csv`,
    covariates: `s3://${data}/covariates/susceptibility.tif`,
  };
  await put("areas/ridge.json", JSON.stringify(config));
  const event = { id: "ridgequake", magnitude: 6.5, hypocentre: { lon: -121.95, lat: 37.05 }, area: "ridge" };
  const record = await triggered("event-update", () =>
    put("events/ridgequake/event.json", JSON.stringify(event)),
  );
  assert.equal(record.status, "SUCCEEDED", JSON.stringify(record.failure));
  const latest = await json(`s3://${results}/susceptibility/latest.json`);
  const susceptibility = (record.input as { susceptibility: { inputs: Record<string, string> } })
    .susceptibility;
  assert.equal(susceptibility.inputs.model, latest.model);
  assert.ok(record.completedStates.includes("PredictWithModel"));
});
