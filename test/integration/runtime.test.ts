import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import type { ExecutionRecord } from "../../local/executions.ts";
import { EmbeddedRuntime } from "../../local/runtime.ts";
import { synthesizeTemplates } from "../../local/templates.ts";
import { createFixtureApp } from "./fixtures/app.ts";

const projectRoot = join(import.meta.dirname, "fixtures");
let stateDir: string;
let runtime: EmbeddedRuntime;
let templates: ReturnType<typeof synthesizeTemplates>;
let sfn: SFNClient;
const killedPids: number[] = [];

before(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "quakeslide-runtime-"));
  templates = synthesizeTemplates(createFixtureApp());
  runtime = await EmbeddedRuntime.start({
    projectRoot,
    templates,
    stateDir,
    onJobAttemptStarted: (job, pid) => {
      // Kill the first attempt of the job whose name asks for it, half-way through its sleep.
      if (job.jobName === "write" && pid && killedPids.length === 0 && process.env.KILL_NEXT_JOB === "1") {
        killedPids.push(pid);
        setTimeout(() => process.kill(pid, "SIGKILL"), 300);
      }
    },
  });
  const config = {
    endpoint: runtime.endpoints.api,
    region: "us-east-1",
    credentials: runtime.endpoints.credentials,
  };
  sfn = new SFNClient(config);
});

after(async () => {
  sfn.destroy();
  await runtime.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

async function startAndWait(flow: string, input: unknown): Promise<ExecutionRecord> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: flow, input: JSON.stringify(input) }),
  );
  return runtime.executor.wait(executionArn!);
}

async function readResult(key: string): Promise<Record<string, unknown>> {
  const bucket = runtime.bucketName("ResultsBucket");
  const object = await runtime.s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return JSON.parse(await object.Body!.transformToString());
}

// How fast the runtime starts is measured by the benchmark (bench/local.ts), not asserted here.
test("a second runtime on the same state folder is refused", async () => {
  await assert.rejects(EmbeddedRuntime.start({ projectRoot, templates, stateDir }), {
    name: "InputError",
    message: /already running on/,
  });
});

test("pipeline: a Lambda, then a Batch job writing to the results bucket, all over HTTP", async () => {
  const record = await startAndWait("fixture-pipeline", { key: "first" });
  assert.equal(record.status, "SUCCEEDED", JSON.stringify(record.failure));
  const written = await readResult("results/first.json");
  assert.equal(written.echoedBy, "echo", "the Batch job received the Lambda's output");
  assert.deepEqual(record.completedStates, ["Prepare", "Write"]);
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn: record.executionArn }));
  assert.equal(described.status, "SUCCEEDED");
  const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: record.executionArn }));
  const types = events!.map((e) => `${e.type} ${e.stateEnteredEventDetails?.name ?? ""}`.trim());
  assert.ok(
    types.includes("TaskStateEntered Prepare") && types.includes("TaskStateEntered Write"),
    types.join(),
  );
  assert.equal(events!.at(-1)?.type, "ExecutionSucceeded");
});

test("a Batch job killed mid-run is retried by the state machine's Retry and the run succeeds", async () => {
  process.env.KILL_NEXT_JOB = "1";
  try {
    const record = await startAndWait("fixture-pipeline", { key: "killed", sleepMs: 1500 });
    assert.equal(killedPids.length, 1, "one attempt was killed");
    assert.equal(record.status, "SUCCEEDED", JSON.stringify(record.failure));
    const failed = record.history.filter((e) => e.type === "StateFailed" && e.state === "Write");
    const retried = record.history.filter((e) => e.type === "StateRetried" && e.state === "Write");
    assert.equal(failed.length, 1);
    assert.equal(retried.length, 1);
    assert.match(String(failed[0].detail?.Cause), /killed by SIGKILL/);
    assert.equal((await readResult("results/killed.json")).key, "killed");
  } finally {
    delete process.env.KILL_NEXT_JOB;
  }
});

test("a failing Batch job exhausts its retries; the failure names the state, exit code and log tail", async () => {
  const record = await startAndWait("fixture-pipeline", { key: "broken", exitCode: 3 });
  assert.equal(record.status, "FAILED");
  assert.equal(record.failure?.state, "Write");
  assert.equal(record.failure?.error, "States.TaskFailed");
  assert.equal(record.failure?.job?.exitCode, 3);
  assert.match(record.failure?.job?.logTail ?? "", /giving up with exit code 3/);
  // Retry MaxAttempts 2 on top of the first try: three runs of the job in all.
  assert.equal(record.history.filter((e) => e.type === "StateRetried").length, 2);
});

test("a Lambda that throws takes the Catch path; the failure keeps the function's error and cause", async () => {
  const record = await startAndWait("fixture-failing", { reason: "test" });
  assert.equal(record.status, "FAILED");
  assert.ok(record.history.some((e) => e.type === "StateCaught" && e.state === "Explode"));
  assert.ok(record.history.some((e) => e.type === "StateEntered" && e.state === "ReportFailure"));
  assert.equal(record.failure?.error, "SoilParameterError");
  assert.equal(record.failure?.state, "Explode", "where the error arose, not the Fail state it led to");
  assert.match(record.failure?.cause ?? "", /cohesion must be >= 0 \(test\)/);
});

test("Distributed Map reads its items from S3 and tolerates the configured number of failures", async () => {
  const put = (items: unknown[]) =>
    runtime.s3Client.send(
      new PutObjectCommand({
        Bucket: runtime.bucketName("DataBucket"),
        Key: "campaign/items.json",
        Body: JSON.stringify(items),
      }),
    );
  await put([{ n: 1 }, { n: 2, fail: true }, { n: 3 }]);
  const tolerated = await startAndWait("fixture-campaign", {});
  assert.equal(tolerated.status, "SUCCEEDED", JSON.stringify(tolerated.failure));
  const output = tolerated.output as Record<string, unknown>[];
  assert.deepEqual(
    output.map((o) => o.n ?? o.Error),
    [1, "Error", 3],
  );
  await put([{ n: 1, fail: true }, { n: 2, fail: true }, { n: 3 }]);
  const exceeded = await startAndWait("fixture-campaign", {});
  assert.equal(exceeded.status, "FAILED");
  assert.equal(exceeded.failure?.error, "States.ExceedToleratedFailureThreshold");
});

test("an object written under inventory/ starts the flow its EventBridge rule targets", async () => {
  const before = runtime.store.list().length;
  await runtime.s3Client.send(
    new PutObjectCommand({
      Bucket: runtime.bucketName("DataBucket"),
      Key: "inventory/slides.csv",
      Body: "x,y\n1,2\n",
    }),
  );
  const started = runtime.store.list().filter((r) => r.flow === "fixture-pipeline");
  assert.equal(runtime.store.list().length, before + 1, "exactly one execution started");
  const record = await runtime.executor.wait(started[0].executionId);
  assert.equal(record.status, "SUCCEEDED", JSON.stringify(record.failure));
  assert.deepEqual(record.input, { key: "inventory/slides.csv" });
  assert.equal((await readResult("results/inventory/slides.csv.json")).key, "inventory/slides.csv");
  // Objects outside the watched prefix start nothing.
  await runtime.s3Client.send(
    new PutObjectCommand({ Bucket: runtime.bucketName("DataBucket"), Key: "other/file.csv", Body: "x" }),
  );
  assert.equal(runtime.store.list().length, before + 1);
});

test("Lambda Invoke over HTTP returns the payload, or the function error", async () => {
  const lambda = new LambdaClient({
    endpoint: runtime.endpoints.api,
    region: "us-east-1",
    credentials: runtime.endpoints.credentials,
  });
  try {
    const name = runtime.model.functions.find((f) => f.folder === "echo")!.name;
    const ok = await lambda.send(
      new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ a: 1 }) }),
    );
    assert.deepEqual(JSON.parse(Buffer.from(ok.Payload!).toString()), { a: 1, echoedBy: "echo" });
    const thrower = runtime.model.functions.find((f) => f.folder === "thrower")!.name;
    const failed = await lambda.send(new InvokeCommand({ FunctionName: thrower, Payload: "{}" }));
    assert.equal(failed.FunctionError, "Unhandled");
    assert.equal(JSON.parse(Buffer.from(failed.Payload!).toString()).errorType, "SoilParameterError");
  } finally {
    lambda.destroy();
  }
});

test("StopExecution aborts a run; a known name is idempotent while it runs, then ExecutionAlreadyExists", async () => {
  const name = "stop-me";
  const input = JSON.stringify({ key: "stopped", sleepMs: 5000 });
  const first = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: "fixture-pipeline", name, input }),
  );
  const again = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: "fixture-pipeline", name, input }),
  );
  assert.equal(again.executionArn, first.executionArn);
  await assert.rejects(
    sfn.send(new StartExecutionCommand({ stateMachineArn: "fixture-pipeline", name, input: "{}" })),
    { name: "ExecutionAlreadyExists" },
  );
  await assert.rejects(
    sfn.send(new StartExecutionCommand({ stateMachineArn: "fixture-pipeline", input: "{not json" })),
    { name: "InvalidExecutionInput" },
  );
  await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn }));
  const record = await runtime.executor.wait(first.executionArn!);
  assert.equal(record.status, "ABORTED");
  // As on AWS, a closed execution's name is not reused, even with the same input.
  await assert.rejects(
    sfn.send(new StartExecutionCommand({ stateMachineArn: "fixture-pipeline", name, input })),
    {
      name: "ExecutionAlreadyExists",
    },
  );
});

test("execution names are unique per state machine, as on AWS, not across flows", async () => {
  const name = "shared-name";
  const pipeline = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: "fixture-pipeline",
      name,
      input: JSON.stringify({ key: "shared" }),
    }),
  );
  const failing = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: "fixture-failing",
      name,
      input: JSON.stringify({ reason: "shared" }),
    }),
  );
  assert.notEqual(pipeline.executionArn, failing.executionArn);
  assert.equal((await runtime.executor.wait(pipeline.executionArn!)).status, "SUCCEEDED");
  assert.equal((await runtime.executor.wait(failing.executionArn!)).status, "FAILED");
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn: pipeline.executionArn }));
  assert.equal(described.status, "SUCCEEDED", "each ARN finds its own record");
});

test("a runtime killed with SIGKILL takes its running Batch jobs with it (no orphans)", async () => {
  const assemblyDir = join(stateDir, "assembly");
  mkdirSync(assemblyDir);
  writeFileSync(join(assemblyDir, "manifest.json"), "{}");
  for (const [stack, template] of templates) {
    writeFileSync(join(assemblyDir, `${stack}.template.json`), JSON.stringify(template));
  }
  const script = join(projectRoot, "runtime-with-long-job.ts");
  const parent = spawn(process.execPath, ["--import", "tsx", script, assemblyDir, join(stateDir, "killed")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const jobPid = await new Promise<number>((resolve, reject) => {
    let out = "";
    parent.stdout.on("data", (chunk: Buffer) => {
      out += chunk;
      const match = out.match(/job (\d+)/);
      if (match) resolve(Number(match[1]));
    });
    parent.once("exit", (code) => reject(new Error(`runtime exited early (${code})`)));
  });
  process.kill(parent.pid!, "SIGKILL");
  // The job notices its parent's death through the closed IPC channel; give it 5 s under load.
  let alive = true;
  for (let i = 0; i < 100 && alive; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    try {
      process.kill(jobPid, 0);
    } catch {
      alive = false;
    }
  }
  assert.equal(alive, false, `job process ${jobPid} outlived its runtime`);
});

test("stop() kills running Batch jobs (no orphan processes) and frees both ports", async () => {
  let jobPid: number | undefined;
  const other = await EmbeddedRuntime.start({
    projectRoot,
    templates: synthesizeTemplates(createFixtureApp()),
    stateDir: join(stateDir, "second"),
    onJobAttemptStarted: (_job, pid) => {
      jobPid = pid;
    },
  });
  const machine = other.model.stateMachines.find((m) => m.name === "fixture-pipeline")!;
  other.executor.start(machine, { key: "long", sleepMs: 60_000 });
  while (jobPid === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
  const ports = [other.endpoints.s3, other.endpoints.api].map((url) => Number(new URL(url).port));
  await other.stop();
  assert.throws(() => process.kill(jobPid!, 0), { code: "ESRCH" }, "the job's process is gone");
  assert.equal(process.env.AWS_ENDPOINT_URL_S3, runtime.endpoints.s3, "the environment before start is back");
  for (const port of ports) {
    await new Promise<void>((resolve, reject) => {
      const probe = createServer().once("error", reject);
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
    });
  }
});
