import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { S3_CLIENT_SETTINGS } from "../../../functions/shared/s3.ts";
import { type LocalS3, startLocalS3 } from "../../../local/s3-server.ts";
import { ridgeScenario, writeRidgeDem } from "../../helpers/ridge-scenario.ts";

// The `sem` container's entrypoint as Batch runs it: a process whose job comes from the
// environment, reading and writing a real S3-compatible server. The scenario names its DEM by
// file name, as it would next to it on disk: the runner stages the two side by side.

let s3: LocalS3;
let client: S3Client;
let directory: string;

const scenario = ridgeScenario("container-small");

before(async () => {
  directory = mkdtempSync(join(tmpdir(), "quakeslide-containers-"));
  s3 = await startLocalS3({ directory: join(directory, "s3"), buckets: ["data", "results"] });
  client = new S3Client({ ...s3.clientConfig, ...S3_CLIENT_SETTINGS });
  const dem = join(directory, "ridge.tif");
  await writeRidgeDem(dem);
  await put("dem/ridge.tif", readFileSync(dem));
  await put("scenarios/ridge.json", JSON.stringify(scenario));
});

after(async () => {
  client.destroy();
  await s3.close();
  rmSync(directory, { recursive: true, force: true });
});

async function put(key: string, body: string | Buffer) {
  await client.send(new PutObjectCommand({ Bucket: "data", Key: key, Body: body }));
}

async function text(uri: string): Promise<string> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!;
  return (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
}

function runContainer(name: string, job: unknown): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", `containers/${name}/entrypoint.ts`], {
      env: {
        ...process.env,
        ...s3.environment,
        RESULTS_BUCKET: "results",
        QUAKESLIDE_THREADS: "2",
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

test("sem container: scenario + DEM from S3, StepResult at resultUri, Newmark at the receivers for the given a_c", async () => {
  const resultUri = "s3://results/intermediate/campaign/test/ridge/sem-result.json";
  const { code, output } = await runContainer("sem", {
    inputs: { model: "s3://data/scenarios/ridge.json", dem: "s3://data/dem/ridge.tif" },
    params: { ac: [0.001] },
    resultUri,
  });
  assert.equal(code, 0, output);
  const result = JSON.parse(await text(resultUri));
  assert.match(result.runPrefix, /^s3:\/\/results\/runs\/sem\/[0-9a-f]{32}\/$/);
  assert.ok(result.outputs.seismograms_csv && result.outputs.peaks_json);
  assert.match(await text(result.outputs.peaks_json), /0\.001/, "peaks.json reports the requested a_c");
});

test("sem container: a scenario whose DEM is not staged exits 2 with a one-line error naming the file", async () => {
  const { code, output } = await runContainer("sem", { inputs: { model: "s3://data/scenarios/ridge.json" } });
  assert.equal(code, 2, output);
  const line = output.trim().split("\n").at(-1)!;
  assert.match(JSON.parse(line).message, /ridge\.tif/);
});
