import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ListStateMachinesCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { Quakeslide } from "../../cli/client/index.ts";
import { EmbeddedRuntime } from "../../local/runtime.ts";
import { synthesizeTemplates } from "../../local/templates.ts";
import { runQuakeslide } from "../helpers/run-cli.ts";
import { createFixtureApp } from "./fixtures/app.ts";

const projectRoot = join(import.meta.dirname, "fixtures");
const repositoryRoot = join(import.meta.dirname, "..", "..");
let workDir: string;
let stateDir: string;
let runtime: EmbeddedRuntime;

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), "quakeslide-cli-"));
  stateDir = join(workDir, "state");
  runtime = await EmbeddedRuntime.start({
    projectRoot,
    templates: synthesizeTemplates(createFixtureApp()),
    stateDir,
  });
});

after(async () => {
  await runtime.stop();
  rmSync(workDir, { recursive: true, force: true });
});

/** Runs the CLI in this process and captures what it prints. */
const cli = (...args: string[]) => runQuakeslide(args);

test("client: upload, startRun, waitForRun with progress, listOutputs, download, invoke", async () => {
  const client = new Quakeslide({ target: "embedded", stateDir });
  try {
    const source = join(workDir, "scenario.json");
    writeFileSync(source, JSON.stringify({ magnitude: 7.8 }));
    assert.match(await client.upload(source, "scenarios/s1.json"), /^s3:\/\/.+\/scenarios\/s1\.json$/);
    const run = await client.startRun("fixture-pipeline", { key: "client" });
    const fractions: (number | undefined)[] = [];
    const finished = await client.waitForRun(run.id, { pollMs: 50, onProgress: (f) => fractions.push(f) });
    assert.equal(finished.status, "SUCCEEDED");
    assert.equal(fractions.at(-1), 1);
    const outputs = await client.listOutputs("results/");
    assert.ok(outputs.some((o) => o.key === "results/client.json"));
    const local = join(workDir, "downloaded", "client.json");
    await client.download("results/client.json", local);
    assert.equal(JSON.parse(readFileSync(local, "utf8")).key, "client");
    const echo = runtime.model.functions.find((f) => f.folder === "echo")!.name;
    assert.deepEqual(await client.invoke(echo, { b: 2 }), { b: 2, echoedBy: "echo" });
    const thrower = runtime.model.functions.find((f) => f.folder === "thrower")!.name;
    await assert.rejects(client.invoke(thrower, {}), { name: "SoilParameterError" });
  } finally {
    client.destroy();
  }
});

test("quakeslide start --wait, status and logs show a failed run's reason", async () => {
  const input = join(workDir, "broken.json");
  writeFileSync(input, JSON.stringify({ key: "cli-broken", exitCode: 4 }));
  const started = await cli(
    "start",
    "fixture-pipeline",
    "--input",
    input,
    "--state-dir",
    stateDir,
    "--wait",
    "--json",
  );
  assert.equal(started.code, 1, "a failed run exits 1");
  const run = JSON.parse(started.stdout) as { id: string; status: string };
  assert.equal(run.status, "FAILED");
  const status = await cli("status", run.id, "--state-dir", stateDir);
  assert.equal(status.code, 0);
  assert.match(
    status.stdout,
    /failed in state Write: States\.TaskFailed: Essential container in task exited \(exit code 4\)/,
  );
  assert.match(status.stdout, /exit code 4/);
  assert.match(status.stdout, /giving up with exit code 4/);
  const logs = await cli("logs", run.id, "--state-dir", stateDir);
  assert.equal(logs.code, 0);
  assert.match(logs.stdout, /StateRetried\s+Write/);
  assert.match(logs.stdout, /ExecutionFailed/);
});

test("bad input exits 2 with one line naming the problem", async () => {
  const missing = await cli(
    "start",
    "fixture-pipeline",
    "--input",
    join(workDir, "nope.json"),
    "--state-dir",
    stateDir,
  );
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.json: input file does not exist/);
  const invalid = join(workDir, "invalid.json");
  writeFileSync(invalid, "{ not json");
  const bad = await cli("start", "fixture-pipeline", "--input", invalid, "--state-dir", stateDir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /invalid\.json: not valid JSON/);
  const unknownFlow = await cli("start", "no-such-flow", "--state-dir", stateDir);
  assert.equal(unknownFlow.code, 2);
  assert.match(unknownFlow.stderr, /no flow "no-such-flow" \(the embedded target has: .*fixture-pipeline/);
  const unknownRun = await cli(
    "status",
    "arn:aws:states:us-east-1:000000000000:execution:x:none",
    "--state-dir",
    stateDir,
  );
  assert.equal(unknownRun.code, 2);
  const noRuntime = await cli("status", "x", "--state-dir", join(workDir, "empty"));
  assert.equal(noRuntime.code, 2);
  assert.match(noRuntime.stderr, /no embedded runtime is running/);
  const badTarget = await cli("status", "x", "--target", "gcp");
  assert.equal(badTarget.code, 2);
  assert.match(badTarget.stderr, /target must be one of embedded, localstack, aws/);
  for (const stderr of [missing, bad, unknownFlow, unknownRun, noRuntime, badTarget].map((r) => r.stderr)) {
    assert.equal(stderr.trim().split("\n").length, 1, `one line: ${stderr}`);
  }
});

test("start with a name that already ran prints that run's real status; another input is refused", async () => {
  const input = join(workDir, "named.json");
  writeFileSync(input, JSON.stringify({ key: "named" }));
  const args = [
    "start",
    "fixture-pipeline",
    "--input",
    input,
    "--name",
    "named-run",
    "--state-dir",
    stateDir,
  ];
  const first = await cli(...args, "--wait", "--json");
  assert.equal(first.code, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).status, "SUCCEEDED");
  const again = await cli(...args, "--json");
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).status, "SUCCEEDED", "the real status, not RUNNING");
  const waited = await cli(...args, "--wait");
  assert.equal(waited.code, 0);
  assert.match(waited.stdout, /^SUCCEEDED /);
  assert.match(waited.stderr, /already ran: SUCCEEDED/);
  writeFileSync(input, JSON.stringify({ key: "other" }));
  const other = await cli(...args);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /already has a run named named-run \(SUCCEEDED\) with another input/);
});

test("a flow's input is checked against FLOW_INPUT_SCHEMAS by start, the client and the API", async () => {
  const valid = {
    inventory: "s3://inventory-bucket/inventory/slides.csv",
    size: 10,
    covariates: "s3://inventory-bucket/covariates.tif",
    batchThresholdBytes: 1000,
    train: { params: {} },
    predict: { params: {} },
  };
  const input = join(workDir, "retrain.json");
  writeFileSync(input, JSON.stringify({ ...valid, size: "ten" }));
  const refused = await cli("start", "fixture-quakeslide-retrain", "--input", input, "--state-dir", stateDir);
  assert.equal(refused.code, 2);
  assert.equal(refused.stderr.trim().split("\n").length, 1);
  assert.match(refused.stderr, /flow retrain: input field size: .*expected number/);
  const client = new Quakeslide({ target: "embedded", stateDir });
  const sfn = new SFNClient(client.config.sfn);
  try {
    const { covariates: _, ...missing } = valid;
    await assert.rejects(client.startRun("fixture-quakeslide-retrain", missing), {
      name: "InputError",
      message: /flow retrain: input field covariates: missing/,
    });
    const machines = await sfn.send(new ListStateMachinesCommand({}));
    const arn = machines.stateMachines!.find((m) => m.name === "fixture-quakeslide-retrain")!.stateMachineArn;
    await assert.rejects(
      sfn.send(
        new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ ...valid, train: 1 }) }),
      ),
      { name: "InvalidExecutionInput", message: /flow retrain: input field train/ },
    );
    const started = await client.startRun("fixture-quakeslide-retrain", valid);
    assert.equal((await client.waitForRun(started.id, { pollMs: 50 })).status, "SUCCEEDED");
    // A flow with no entry in FLOW_INPUT_SCHEMAS is not checked.
    const unchecked = await client.startRun("fixture-failing", { anything: [1, 2] });
    assert.equal((await client.waitForRun(unchecked.id, { pollMs: 50 })).status, "FAILED");
  } finally {
    sfn.destroy();
    client.destroy();
  }
});

test("quakeslide up prints its endpoints, serves, and stops cleanly on SIGINT", async () => {
  const upState = join(workDir, "up-state");
  const child = spawn(
    process.execPath,
    [
      join(repositoryRoot, "bin", "quakeslide.mjs"),
      "up",
      "--project",
      projectRoot,
      "--state-dir",
      upState,
      "--json",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  while (!stdout.includes("\n")) {
    if (child.exitCode !== null) assert.fail(`up exited early with ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const printed = JSON.parse(stdout) as { api: string; environment: Record<string, string> };
  // An unsigned request is refused; the SDK with the printed variables signs and is served.
  const unsigned = await fetch(`${printed.api}/`, {
    method: "POST",
    headers: {
      "X-Amz-Target": "AWSStepFunctions.ListStateMachines",
      "Content-Type": "application/x-amz-json-1.0",
    },
    body: "{}",
  });
  assert.equal(unsigned.status, 403);
  const sfn = new SFNClient({
    endpoint: printed.environment.AWS_ENDPOINT_URL_SFN,
    region: printed.environment.AWS_REGION,
    credentials: {
      accessKeyId: printed.environment.AWS_ACCESS_KEY_ID,
      secretAccessKey: printed.environment.AWS_SECRET_ACCESS_KEY,
    },
  });
  const listed = await sfn.send(new ListStateMachinesCommand({})).finally(() => sfn.destroy());
  assert.ok(listed.stateMachines?.some((m) => m.name === "fixture-campaign"));
  // The key pair is the state folder's own, readable by its owner only.
  for (const file of ["runtime.json", "credentials.json"]) {
    assert.equal(statSync(join(upState, file)).mode & 0o777, 0o600, file);
  }
  assert.equal(statSync(upState).mode & 0o777, 0o700);
  child.kill("SIGINT");
  assert.equal(await exited, 0);
  assert.ok(!existsSync(join(upState, "runtime.json")), "runtime.json removed on stop");
});
