import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { executionNameProblem } from "../../../local/execution-names.ts";
import { type ExecutionRecord, ExecutionStore } from "../../../local/executions.ts";

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), "quakeslide-executions-"));
});
after(() => rmSync(root, { recursive: true, force: true }));

const ARN = "arn:aws:states:us-east-1:000000000000:execution";

function record(
  machine: string,
  name: string,
  status: ExecutionRecord["status"] = "RUNNING",
): ExecutionRecord {
  return {
    executionArn: `${ARN}:${machine}:${name}`,
    executionId: `${machine}:${name}`,
    name,
    stateMachineArn: `arn:aws:states:us-east-1:000000000000:stateMachine:${machine}`,
    flow: machine,
    status,
    input: {},
    startDate: new Date().toISOString(),
    completedStates: [],
    totalStates: 2,
    history: [{ id: 1, timestamp: new Date().toISOString(), type: "StateEntered", state: "Write" }],
    runtimePid: 4242,
  };
}

test("execution names follow Step Functions' rules: no path, no separators, 1 to 80 characters", () => {
  for (const name of ["run-1", "3f0c2b1e-uuid", "Run_2.b", "é"])
    assert.equal(executionNameProblem(name), undefined, name);
  const refused = [
    "../../X",
    "a/b",
    "a\\b",
    "x:y",
    "a b",
    "tab\tname",
    "nul\u0000",
    "del\u007f",
    "a*",
    "a?",
    "{a}",
    "a%2F",
    "..",
    ".",
  ];
  for (const name of [...refused, "", "a".repeat(81)])
    assert.ok(executionNameProblem(name), JSON.stringify(name));
});

test("records are filed per state machine; ARNs, ids and names that are not plain names find nothing", () => {
  const stateDir = join(root, "per-machine");
  const store = new ExecutionStore(stateDir);
  store.create(record("flow-a", "same", "SUCCEEDED"));
  store.create(record("flow-b", "same", "FAILED"));
  assert.equal(store.get(`${ARN}:flow-a:same`)?.status, "SUCCEEDED");
  assert.equal(store.get("flow-b:same")?.status, "FAILED");
  assert.deepEqual(readdirSync(join(stateDir, "executions")).sort(), ["flow-a", "flow-b"]);
  writeFileSync(join(root, "v.json"), JSON.stringify(record("x", "v")));
  for (const reference of [
    "../../v",
    "flow-a:../../../v",
    `${ARN}:..:..`,
    `${ARN}:flow-a:../../../v`,
    "a:b:c",
  ]) {
    assert.equal(store.get(reference), undefined, reference);
  }
  assert.throws(() => store.create(record("flow-a", "../escape")), /not a valid execution id/);
  assert.ok(!existsSync(join(stateDir, "escape.json")));
});

test("failInterrupted marks RUNNING records of an ended runtime FAILED, with the state and a reason", () => {
  const stateDir = join(root, "interrupted");
  new ExecutionStore(stateDir).create(record("flow-a", "in-flight"));
  new ExecutionStore(stateDir).create(record("flow-a", "done", "SUCCEEDED"));
  const restarted = new ExecutionStore(stateDir);
  assert.deepEqual(
    restarted.failInterrupted().map((r) => r.name),
    ["in-flight"],
  );
  const failed = JSON.parse(readFileSync(join(stateDir, "executions", "flow-a", "in-flight.json"), "utf8"));
  assert.equal(failed.status, "FAILED");
  assert.deepEqual([failed.failure.state, failed.failure.error], ["Write", "RuntimeInterrupted"]);
  assert.match(failed.failure.cause, /process 4242\) stopped while this run was in state Write/);
  assert.equal(failed.history.at(-1).type, "ExecutionFailed");
  assert.equal(restarted.get("flow-a:done")?.status, "SUCCEEDED", "ended runs are left alone");
});

test("records of earlier versions (executions/<name>.json) are filed under their state machine", () => {
  const stateDir = join(root, "legacy");
  mkdirSync(join(stateDir, "executions"), { recursive: true });
  const old = { ...record("flow-a", "old-run", "SUCCEEDED"), executionId: "old-run" };
  writeFileSync(join(stateDir, "executions", "old-run.json"), JSON.stringify(old));
  const store = new ExecutionStore(stateDir);
  assert.equal(store.get(`${ARN}:flow-a:old-run`)?.status, "SUCCEEDED");
  assert.equal(store.get("old-run")?.executionId, "flow-a:old-run", "a bare name finds it too");
  assert.ok(!existsSync(join(stateDir, "executions", "old-run.json")));
});
