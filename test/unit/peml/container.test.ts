import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { S3_CLIENT_SETTINGS } from "../../../functions/shared/s3.ts";
import { type LocalS3, startLocalS3 } from "../../../local/s3-server.ts";
import { FIXTURES } from "./helpers.ts";

// The `train` Batch container with QUAKESLIDE_JOB_KIND=peml, as Batch runs it: a process whose job
// comes from the environment, reading and writing a real S3-compatible server.

let s3: LocalS3;
let client: S3Client;
let directory: string;

before(async () => {
  directory = mkdtempSync(join(tmpdir(), "quakeslide-peml-container-"));
  s3 = await startLocalS3({ directory: join(directory, "s3"), buckets: ["data", "results"] });
  client = new S3Client({ ...s3.clientConfig, ...S3_CLIENT_SETTINGS });
  for (const [key, file] of [
    ["inventory/synthetic.csv", "inventory-static.csv"],
    ["covariates/synthetic.tif", "covariates.tif"],
  ])
    await client.send(
      new PutObjectCommand({ Bucket: "data", Key: key, Body: readFileSync(join(FIXTURES, file)) }),
    );
});

after(async () => {
  client.destroy();
  await s3.close();
  rmSync(directory, { recursive: true, force: true });
});

/** The entrypoint's structured result or error line (the SDK may print warnings around it). */
function jobLine(output: string): {
  message: string;
  result: { runPrefix: string; manifest: string; reused: boolean; outputs: Record<string, string> };
} {
  const line = output
    .split("\n")
    .filter((l) => l.startsWith('{"level"'))
    .at(-1);
  assert.ok(line, output);
  return JSON.parse(line);
}

function runTrainContainer(kind: string, job: unknown): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "containers/train/entrypoint.ts"], {
      env: {
        ...process.env,
        ...s3.environment,
        RESULTS_BUCKET: "results",
        QUAKESLIDE_THREADS: "1",
        QUAKESLIDE_JOB_KIND: kind,
        QUAKESLIDE_JOB: JSON.stringify(job),
      },
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("close", (code) => resolve({ code: code ?? -1, output }));
  });
}

const job = {
  inputs: {
    inventory: "s3://data/inventory/synthetic.csv",
    covariates: "s3://data/covariates/synthetic.tif",
  },
  params: { label: "landslide", classes: ["lith"], epochs: 30, cvRepeats: 0 },
};

test("train container, peml kind: model.json and history.csv under runs/peml-train/<hash>/ with a manifest", async () => {
  const { code, output } = await runTrainContainer("peml", job);
  assert.equal(code, 0, output);
  const result = jobLine(output).result;
  assert.match(result.runPrefix, /^s3:\/\/results\/runs\/peml-train\/[0-9a-f]{32}\/$/);
  const [, key] = /^s3:\/\/results\/(.+)$/.exec(result.outputs.model_json)!;
  const body = await client.send(new GetObjectCommand({ Bucket: "results", Key: key }));
  const artifact = JSON.parse(await body.Body!.transformToString());
  assert.equal(artifact.format, "quakeslide-peml-model");
  assert.equal(artifact.settings.epochs, 30);
  assert.ok(result.outputs.history_csv);
  const [, manifestKey] = /^s3:\/\/results\/(.+)$/.exec(result.manifest)!;
  const manifest = await client.send(new GetObjectCommand({ Bucket: "results", Key: manifestKey }));
  assert.equal(JSON.parse(await manifest.Body!.transformToString()).step, "peml-train");
  // The same job again reuses the complete run instead of training twice.
  const again = await runTrainContainer("peml", job);
  assert.equal(jobLine(again.output).result.reused, true);
});

test("train container: an unknown job kind or bad peml params exit 2 with one JSON error line", async () => {
  const unknown = await runTrainContainer("pemml", job);
  assert.equal(unknown.code, 2, unknown.output);
  assert.match(jobLine(unknown.output).message, /QUAKESLIDE_JOB_KIND/);
  const bad = await runTrainContainer("peml", { ...job, params: { ...job.params, epochs: 0 } });
  assert.equal(bad.code, 2, bad.output);
  assert.match(jobLine(bad.output).message, /epochs/);
});
