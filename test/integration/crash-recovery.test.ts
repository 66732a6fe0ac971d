import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { ExecutionRecord } from "../../local/executions.ts";
import { runQuakeslide } from "../helpers/run-cli.ts";

// `quakeslide up` as a user runs it (a child process), killed with SIGKILL while a run is in
// flight, then started again on the same state folder: the run is reported FAILED with the
// reason, a same-name start answers at once with that status, `--wait` on a runtime that dies
// ends instead of polling, and the dead runtime's work folders are removed.

const projectRoot = join(import.meta.dirname, "fixtures");
const repositoryRoot = join(import.meta.dirname, "..", "..");
let root: string;
let stateDir: string;
const children: ChildProcessWithoutNullStreams[] = [];

before(() => {
  root = mkdtempSync(join(tmpdir(), "quakeslide-crash-"));
  stateDir = join(root, "state");
});

after(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

/** Starts `quakeslide up` on the test's state folder; resolves once it printed its endpoints. */
async function up(): Promise<ChildProcessWithoutNullStreams> {
  const child = spawn(
    process.execPath,
    [
      join(repositoryRoot, "bin", "quakeslide.mjs"),
      "up",
      "--project",
      projectRoot,
      "--state-dir",
      stateDir,
      "--json",
    ],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk;
  });
  while (!stdout.includes("\n")) {
    if (child.exitCode !== null) assert.fail(`up exited early (${child.exitCode}): ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return child;
}

async function kill(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await exited;
}

async function until(what: string, condition: () => boolean, seconds = 60): Promise<void> {
  for (let i = 0; i < seconds * 10 && !condition(); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(condition(), `timed out waiting for ${what}`);
}

function recordOnDisk(name: string): ExecutionRecord {
  return JSON.parse(readFileSync(join(stateDir, "executions", "fixture-pipeline", `${name}.json`), "utf8"));
}

const start = (...args: string[]) =>
  runQuakeslide(["start", "fixture-pipeline", "--state-dir", stateDir, ...args]);

test("a run in flight when the runtime is killed is FAILED after a restart; its name answers at once", {
  timeout: 180_000,
}, async () => {
  const first = await up();
  const input = join(root, "long.json");
  writeFileSync(input, JSON.stringify({ key: "in-flight", sleepMs: 120_000 }));
  const started = await start("--input", input, "--name", "in-flight", "--json");
  assert.equal(started.code, 0, started.stderr);
  const runId = (JSON.parse(started.stdout) as { id: string }).id;
  const deadWorkRoot = join(stateDir, "tmp", String(first.pid));
  // The job is sleeping in state Write, with its work folder under the runtime's tmp/<pid>/.
  await until(
    "the job's work folder",
    () => existsSync(deadWorkRoot) && readdirSync(deadWorkRoot).some((f) => f.startsWith("writer-")),
  );
  await kill(first, "SIGKILL");
  assert.equal(recordOnDisk("in-flight").status, "RUNNING", "the killed runtime could not record an end");

  const second = await up();
  try {
    const status = await runQuakeslide(["status", runId, "--state-dir", stateDir, "--json"]);
    assert.equal(status.code, 0, status.stderr);
    const reported = JSON.parse(status.stdout) as {
      status: string;
      failure: { state: string; error: string; cause: string };
    };
    assert.equal(reported.status, "FAILED");
    assert.equal(reported.failure.error, "RuntimeInterrupted");
    assert.equal(reported.failure.state, "Write");
    assert.match(
      reported.failure.cause,
      new RegExp(`process ${first.pid}\\) stopped while this run was in state Write`),
    );
    // The same name and input answers with that status at once, with and without --wait.
    const again = await start("--input", input, "--name", "in-flight", "--json");
    assert.equal(JSON.parse(again.stdout).status, "FAILED");
    const waited = await start("--input", input, "--name", "in-flight", "--wait", "--json");
    assert.equal(waited.code, 1);
    assert.equal(JSON.parse(waited.stdout).status, "FAILED");
    // The dead runtime's work folder is gone; the new one has its own.
    assert.ok(!existsSync(deadWorkRoot), "tmp/<dead pid> removed");
    assert.deepEqual(readdirSync(join(stateDir, "tmp")), [String(second.pid)]);
    // And the restarted runtime runs a new run of the same flow to its end.
    const fresh = join(root, "fresh.json");
    writeFileSync(fresh, JSON.stringify({ key: "after-restart" }));
    const after = await start("--input", fresh, "--name", "after-restart", "--wait", "--json");
    assert.equal(after.code, 0, after.stderr);
  } finally {
    await kill(second, "SIGINT");
  }
});

test("start --wait ends with a clear error when the runtime dies under it, instead of polling", {
  timeout: 120_000,
}, async () => {
  const runtime = await up();
  const input = join(root, "wait.json");
  writeFileSync(input, JSON.stringify({ key: "waiting", sleepMs: 120_000 }));
  const waiting = start("--input", input, "--name", "waiting", "--wait");
  await until("the run to reach Write", () => {
    const file = join(stateDir, "executions", "fixture-pipeline", "waiting.json");
    return existsSync(file) && recordOnDisk("waiting").history.some((e) => e.state === "Write");
  });
  await kill(runtime, "SIGKILL");
  const result = await waiting;
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /the embedded runtime stopped answering while waiting for .*waiting/);
});
