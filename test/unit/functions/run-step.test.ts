import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { z } from "zod";
import { isInputError } from "../../../core/errors.ts";
import { runJobFromEnvironment } from "../../../functions/shared/job.ts";
import { progressLogger, runStep, type StepSpec } from "../../../functions/shared/run-step.ts";
import { S3_CLIENT_SETTINGS } from "../../../functions/shared/s3.ts";
import { type LocalS3, startLocalS3 } from "../../../local/s3-server.ts";

// The plumbing is tested with a tiny stand-in for a core step (the real steps have their own
// tests); it records its calls so that reuse of a finished run can be observed.
const calls: { text: string; factor: number }[] = [];
const scaleSchema = z.object({ dem: z.string(), factor: z.number().positive(), outDir: z.string() });
const scaleSpec: StepSpec<typeof scaleSchema> = {
  step: "scale",
  schema: scaleSchema,
  async run({ dem, factor, outDir }) {
    const text = readFileSync(dem, "utf8");
    calls.push({ text, factor });
    writeFileSync(join(outDir, "scaled.txt"), text.repeat(factor));
    writeFileSync(join(outDir, "preview.png"), "png");
    return { characters: text.length * factor };
  },
};

let s3: LocalS3;
let client: S3Client;
let directory: string;

before(async () => {
  directory = mkdtempSync(join(tmpdir(), "quakeslide-functions-"));
  s3 = await startLocalS3({ directory, buckets: ["data", "results"] });
  client = new S3Client({ ...s3.clientConfig, ...S3_CLIENT_SETTINGS });
  await put("data", "dem/a.txt", "abc");
});

after(async () => {
  client.destroy();
  await s3.close();
  rmSync(directory, { recursive: true, force: true });
});

async function put(bucket: string, key: string, body: string) {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

async function text(uri: string): Promise<string> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!;
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return response.Body!.transformToString();
}

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: "results", Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key!).sort();
}

const run = (event: unknown) =>
  runStep(scaleSpec, event, { client, resultsBucket: "results", codeVersion: "test" });

test("runs the step on S3 inputs, writes outputs and a manifest with their checksums under runs/<step>/<hash>/", async () => {
  calls.length = 0;
  const result = await run({ inputs: { dem: "s3://data/dem/a.txt" }, params: { factor: 2 } });
  assert.deepEqual(calls, [{ text: "abc", factor: 2 }]);
  assert.match(result.runPrefix, /^s3:\/\/results\/runs\/scale\/[0-9a-f]{32}\/$/);
  assert.equal(result.reused, false);
  assert.deepEqual(result.summary, { characters: 6 });
  assert.equal(await text(result.outputs.scaled_txt), "abcabc");
  const manifest = JSON.parse(await text(result.manifest));
  const sha = createHash("sha256").update("abcabc").digest("hex");
  assert.equal(manifest.outputs["scaled.txt"].sha256, sha);
  assert.equal(manifest.inputs.dem[0].uri, "s3://data/dem/a.txt");
  assert.deepEqual(manifest.params, { factor: 2 });
  assert.equal(manifest.codeVersion, "test");
});

test("the same event twice lands on the same key and the second reuses the finished run", async () => {
  calls.length = 0;
  const event = { inputs: { dem: "s3://data/dem/a.txt" }, params: { factor: 3 } };
  const first = await run(event);
  const second = await run(structuredClone(event));
  assert.equal(second.runPrefix, first.runPrefix);
  assert.equal(second.reused, true);
  assert.equal(calls.length, 1, "the step ran once");
});

test("a changed input object or parameter gives a different key", async () => {
  const base = await run({ inputs: { dem: "s3://data/dem/a.txt" }, params: { factor: 2 } });
  const otherParam = await run({ inputs: { dem: "s3://data/dem/a.txt" }, params: { factor: 4 } });
  await put("data", "dem/b.txt", "abc");
  await put("data", "dem/b.txt", "xyz"); // overwritten: new ETag
  const otherObject = await run({ inputs: { dem: "s3://data/dem/b.txt" }, params: { factor: 2 } });
  const prefixes = new Set([base.runPrefix, otherParam.runPrefix, otherObject.runPrefix]);
  assert.equal(prefixes.size, 3);
  assert.equal(await text(otherObject.outputs.scaled_txt), "xyzxyz");
});

test("bad events and bad options are InputErrors that name the problem and write nothing", async () => {
  const before = await keysUnder("runs/");
  await assert.rejects(run({ inputs: { dem: "http://data/dem/a.txt" } }), (error: Error) => {
    assert.ok(isInputError(error));
    assert.match(error.message, /inputs\.dem|s3:\/\/bucket\/key/);
    return true;
  });
  await assert.rejects(
    run({ inputs: { dem: "s3://data/dem/a.txt" }, params: { factor: -1 } }),
    (error: Error) => {
      assert.ok(isInputError(error));
      assert.match(error.message, /factor/);
      return true;
    },
  );
  // A misspelt parameter would otherwise be dropped by zod and fall back silently.
  await assert.rejects(
    run({ inputs: { dem: "s3://data/dem/a.txt" }, params: { factor: 1, facter: 2 } }),
    (error: Error) => {
      assert.ok(isInputError(error));
      assert.match(error.message, /^scale event: unknown field\(s\) facter; the step takes dem, factor$/);
      return true;
    },
  );
  await assert.rejects(
    run({ inputs: { dem: "s3://data/dem/missing.txt" }, params: { factor: 1 } }),
    (error: Error) => {
      assert.ok(isInputError(error));
      assert.match(error.message, /s3:\/\/data\/dem\/missing\.txt does not exist/);
      return true;
    },
  );
  assert.deepEqual(await keysUnder("runs/"), before);
});

test("an input may name an output of a stored StepResult (s3://…/result.json#name)", async () => {
  const first = await run({ inputs: { dem: "s3://data/dem/a.txt" }, params: { factor: 2 } });
  await put("results", "intermediate/x/result.json", JSON.stringify(first));
  const chained = await run({
    inputs: { dem: "s3://results/intermediate/x/result.json#scaled_txt" },
    params: { factor: 2 },
  });
  assert.equal(await text(chained.outputs.scaled_txt), "abcabcabcabc");
  await assert.rejects(
    run({ inputs: { dem: "s3://results/intermediate/x/result.json#nope" }, params: { factor: 2 } }),
    /has no output "nope"/,
  );
});

test("a container job reads QUAKESLIDE_JOB or QUAKESLIDE_JOB_URI, stores the result at resultUri, exits 2 on bad input", async () => {
  const saved = { ...process.env };
  Object.assign(process.env, s3.environment);
  try {
    const lines: string[] = [];
    const job = {
      inputs: { dem: "s3://data/dem/a.txt" },
      params: { factor: 5 },
      resultUri: "s3://results/intermediate/job/result.json",
    };
    const env = { QUAKESLIDE_JOB: JSON.stringify(job), RESULTS_BUCKET: "results" };
    process.env.RESULTS_BUCKET = "results";
    assert.equal(await runJobFromEnvironment(scaleSpec, env, (line) => lines.push(line)), 0);
    const stored = JSON.parse(await text(job.resultUri));
    assert.equal(await text(stored.outputs.scaled_txt), "abc".repeat(5));
    // A job too large for Batch's container overrides comes as an S3 object instead.
    await put("results", "intermediate/job/input.json", JSON.stringify({ ...job, params: { factor: 6 } }));
    const byUri = { QUAKESLIDE_JOB_URI: "s3://results/intermediate/job/input.json" };
    assert.equal(await runJobFromEnvironment(scaleSpec, byUri, (line) => lines.push(line)), 0);
    assert.equal(await text(JSON.parse(await text(job.resultUri)).outputs.scaled_txt), "abc".repeat(6));
    const bad = { QUAKESLIDE_JOB: JSON.stringify({ ...job, params: { factor: "five" } }) };
    assert.equal(await runJobFromEnvironment(scaleSpec, bad, (line) => lines.push(line)), 2);
    assert.match(lines.at(-1)!, /factor/);
  } finally {
    process.env = saved;
  }
});

test("option precedence: defaults < event params < fixed < staged input paths", async () => {
  const seen: Record<string, unknown>[] = [];
  const schema = z.object({ dem: z.string(), threads: z.number(), mode: z.string(), outDir: z.string() });
  const spec: StepSpec<typeof schema> = {
    step: "options",
    schema,
    async run(options) {
      seen.push(options);
      return null;
    },
    defaults: { threads: 8, mode: "default" },
    fixed: { mode: "fixed" },
  };
  const runWith = (params: Record<string, unknown>) =>
    runStep(spec, { inputs: { dem: "s3://data/dem/a.txt" }, params }, { client, resultsBucket: "results" });
  await runWith({});
  await runWith({ threads: 2, mode: "from-event", dem: "ignored" });
  assert.deepEqual(
    seen.map(({ threads, mode }) => [threads, mode]),
    [
      [8, "fixed"],
      [2, "fixed"],
    ],
  );
  assert.ok(
    seen.every((options) => String(options.dem).endsWith("a.txt")),
    "an input path wins over a param",
  );
});

test("progress is logged as JSON lines, at most one per 10 % of the work (plus the end)", () => {
  const lines: string[] = [];
  const onProgress = progressLogger("demo", (line) => lines.push(line));
  for (let i = 0; i <= 1000; i++) onProgress(i / 1000, "rows");
  // 0, 0.1, ..., 0.9 and 1: eleven lines (a slow machine adds none: 1,001 calls take well under 30 s).
  assert.equal(lines.length, 11);
  assert.deepEqual(JSON.parse(lines.at(-1)!), { level: "info", step: "demo", progress: 1, message: "rows" });
});
