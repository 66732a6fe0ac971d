import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import type { ExecutionRecord } from "../../local/executions.ts";
import { EmbeddedRuntime } from "../../local/runtime.ts";
import { syntheticAreaConfig, syntheticAreaFiles } from "../helpers/synthetic-area.ts";
import { NETWORK_REFERENCE } from "../unit/report/no-network.ts";

// Event-triggered updates through the project's own app in the embedded runtime: an object under
// events/ reaches the event rule, its intake Lambda starts event-update, which publishes under
// events/<id>/v<version>/ and moves latest.json forward. One runtime, one synthetic area (UTM 10N,
// inside the Loma Prieta ShakeMap), the tests in order.

const repositoryRoot = join(import.meta.dirname, "..", "..");
const fixtures = join(repositoryRoot, "test", "fixtures", "groundmotion");
let workDir: string;
let runtime: EmbeddedRuntime;
let data: string;
let results: string;

const quake = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  version: 1,
  name: `test event ${id}`,
  magnitude: 6.9,
  mechanism: "RS",
  hypocentre: { lon: -121.88, lat: 37.04, depthKm: 18 },
  area: "ca",
  ...extra,
});

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), "quakeslide-events-"));
  runtime = await EmbeddedRuntime.start({ projectRoot: repositoryRoot, stateDir: join(workDir, "state") });
  data = runtime.bucketName("DataBucket");
  results = runtime.bucketName("ResultsBucket");
  const files = await syntheticAreaFiles(workDir);
  for (const [name, body] of Object.entries(files)) await put(`areas/ca/${name}`, body);
  await put("areas/ca.json", JSON.stringify(syntheticAreaConfig("ca", data)));
});

after(async () => {
  await runtime?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

async function put(key: string, body: string | Buffer) {
  await runtime.s3Client.send(new PutObjectCommand({ Bucket: data, Key: key, Body: body }));
}

async function exists(bucket: string, key: string): Promise<boolean> {
  return runtime.s3Client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );
}

async function json(bucket: string, key: string): Promise<Record<string, unknown>> {
  const object = await runtime.s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse(await object.Body!.transformToString());
}

async function keys(bucket: string, prefix: string): Promise<string[]> {
  const listed = await runtime.s3Client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key as string).sort();
}

const executionsNamed = (name: string) =>
  runtime.store.list().filter((r) => r.flow.endsWith("event-update") && r.name === name);

/** Waits for the execution `name` to be started by the intake and to end. */
async function finished(name: string, timeoutMs = 120_000): Promise<ExecutionRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const started = executionsNamed(name)[0];
    if (started) return runtime.executor.wait(started.executionId);
    if (Date.now() > deadline) throw new Error(`no execution ${name} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Lets every delivery of the objects written so far reach the intake (deliveries are asynchronous). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

test("an event file publishes its map under events/<id>/v1/ and points latest.json at it", async () => {
  const start = Date.now();
  await put("events/quake1/event.json", JSON.stringify(quake("quake1")));
  const record = await finished("quake1-v1");
  assert.equal(record.status, "SUCCEEDED", JSON.stringify(record.failure));
  console.log(`event file to published map: ${((Date.now() - start) / 1000).toFixed(1)} s (target < 60 s)`);
  const manifest = await json(results, "events/quake1/v1/manifest.json");
  assert.equal(manifest.flow, "event-update");
  const outputs = manifest.outputs as Record<string, { uri: string }>;
  for (const name of ["pga.tif", "pgv.tif", "pf.tif", "hazard_class.tif", "hazard_class.png", "report.html"])
    assert.ok(outputs[name], name);
  const report = await runtime.s3Client.send(
    new GetObjectCommand({ Bucket: results, Key: "events/quake1/v1/report.html" }),
  );
  assert.doesNotMatch(await report.Body!.transformToString(), NETWORK_REFERENCE);
  const latest = await json(results, "events/quake1/latest.json");
  assert.equal(latest.version, 1);
  assert.equal(latest.product, `s3://${results}/events/quake1/v1/`);
});

test("a duplicate delivery produces no second run and leaves one manifest", async () => {
  const intake = runtime.model.functions.find((f) => f.folder === "event-intake")!;
  const before = (await json(results, "events/quake1/v1/manifest.json")).createdAt;
  // The same object delivered again after publication, and a new event delivered twice at once.
  await put("events/quake1/event.json", JSON.stringify(quake("quake1")));
  await put("events/twice/event.json", JSON.stringify(quake("twice")));
  const delivery = { bucket: data, key: "events/twice/event.json" };
  const answers = await Promise.all([
    runtime.executor.invoke(intake.arn, delivery),
    runtime.executor.invoke(intake.arn, delivery),
  ]);
  assert.ok(
    answers.every((a) => ["started", "duplicate"].includes((a as { status: string }).status)),
    JSON.stringify(answers),
  );
  assert.equal((await finished("twice-v1")).status, "SUCCEEDED");
  await settle();
  const again = (await runtime.executor.invoke(intake.arn, delivery)) as { status: string; reason: string };
  assert.equal(again.status, "ignored");
  assert.match(again.reason, /not newer than the published v1/);
  assert.equal(executionsNamed("quake1-v1").length, 1);
  assert.equal(executionsNamed("twice-v1").length, 1);
  assert.equal(
    (await json(results, "events/quake1/v1/manifest.json")).createdAt,
    before,
    "the manifest was not rewritten",
  );
  assert.deepEqual(
    (await keys(results, "events/twice/")).filter((k) => k.endsWith("manifest.json")),
    ["events/twice/v1/manifest.json"],
  );
});

test("a newer ShakeMap version supersedes the older; an older version arriving late is ignored", async () => {
  await put("events/quake1/grid.xml", readFileSync(join(fixtures, "loma_prieta_1989_grid.xml")));
  await put(
    "events/quake1/event.json",
    JSON.stringify(quake("quake1", { version: 2, shakemap: "grid.xml" })),
  );
  const v2 = await finished("quake1-v2");
  assert.equal(v2.status, "SUCCEEDED", JSON.stringify(v2.failure));
  const latest = await json(results, "events/quake1/latest.json");
  assert.equal(latest.version, 2);
  assert.deepEqual(
    (latest.previous as { version: number }[]).map((p) => p.version),
    [1],
  );
  const manifest = await json(results, "events/quake1/v2/manifest.json");
  const gm = (manifest.result as { steps: Record<string, string> }).steps.groundMotion;
  assert.match(gm, /\/runs\/ground-motion\//);
  assert.ok(
    await exists(results, "events/quake1/v1/manifest.json"),
    "the superseded version stays, for the record",
  );

  // Version 1 again (a late, re-sent message, with a changed name so it is a new object version).
  await put("events/quake1/event.json", JSON.stringify(quake("quake1", { name: "late copy" })));
  await settle();
  assert.equal(executionsNamed("quake1-v1").length, 1, "no second v1 run");
  assert.equal((await json(results, "events/quake1/latest.json")).version, 2, "latest never moves back");
});

test("malformed event files are moved to events-rejected/ with the reason, and start nothing", async () => {
  await put("events/broken/event.json", "{ not json");
  await put("events/bad2/event.json", JSON.stringify(quake("bad2", { magnitude: "big" })));
  await put("events/bad3/event.json", JSON.stringify(quake("other-id")));
  await settle();
  for (const [id, reason] of [
    ["broken", /not JSON/],
    ["bad2", /magnitude/],
    ["bad3", /id "other-id" differs from its folder events\/bad3\//],
  ] as const) {
    const rejected = await keys(data, `events-rejected/${id}/`);
    assert.equal(rejected.length, 2, `${id}: ${rejected}`);
    const reasonKey = rejected.find((k) => k.endsWith("reason.json"))!;
    assert.match(String((await json(data, reasonKey)).reason), reason);
    assert.equal(await exists(data, `events/${id}/event.json`), false, `${id} was moved, not copied`);
    assert.equal(runtime.store.list().filter((r) => r.name.startsWith(`${id}-`)).length, 0);
  }
});

test("a step that fails leaves no manifest and a readable failure reason", async () => {
  await put("events/hawaii/grid.xml", readFileSync(join(fixtures, "hawaii_2018_sm4_every10.xml")));
  await put("events/hawaii/event.json", JSON.stringify(quake("hawaii", { shakemap: "grid.xml" })));
  const record = await finished("hawaii-v1");
  assert.equal(record.status, "FAILED");
  assert.equal(record.failure?.error, "InputError");
  assert.match(record.failure?.cause ?? "", /ShakeMap box .* does not cover the area grid/);
  assert.deepEqual(await keys(results, "events/hawaii/"), [], "no manifest, no latest pointer");
});

test("20 events written at once are each processed exactly once", async () => {
  const ids = Array.from({ length: 20 }, (_, i) => `burst${String(i + 1).padStart(2, "0")}`);
  const start = Date.now();
  await Promise.all(
    ids.map((id, i) =>
      put(
        `events/${id}/event.json`,
        JSON.stringify(
          quake(id, {
            magnitude: 5.5 + 0.1 * i,
            hypocentre: { lon: -121.9 - 0.01 * i, lat: 37.0, depthKm: 10 },
          }),
        ),
      ),
    ),
  );
  const records = await Promise.all(ids.map((id) => finished(`${id}-v1`, 300_000)));
  console.log(`20 events to 20 published maps: ${((Date.now() - start) / 1000).toFixed(1)} s`);
  await settle();
  for (const [i, id] of ids.entries()) {
    assert.equal(records[i].status, "SUCCEEDED", `${id}: ${JSON.stringify(records[i].failure)}`);
    assert.equal(executionsNamed(`${id}-v1`).length, 1, `${id} ran once`);
    assert.deepEqual(
      (await keys(results, `events/${id}/`)).filter((k) => /(latest|manifest)\.json$/.test(k)),
      [`events/${id}/latest.json`, `events/${id}/v1/manifest.json`],
    );
  }
  // Stronger shaking, higher hazard: the strongest burst event's mean P(f) is above the weakest's.
  const meanPf = async (id: string) =>
    ((await json(results, `events/${id}/v1/manifest.json`)).result as { hazard: { meanPf: number } }).hazard
      .meanPf;
  assert.ok((await meanPf("burst20")) > (await meanPf("burst01")));
});
