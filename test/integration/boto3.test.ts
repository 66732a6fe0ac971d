import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { EmbeddedRuntime } from "../../local/runtime.ts";
import { synthesizeTemplates } from "../../local/templates.ts";
import { createFixtureApp } from "./fixtures/app.ts";

// Python users drive the runtime with plain boto3 and the standard endpoint variables (see
// docs/python.md); this runs that script against a live runtime. The service-specific endpoint
// variables need boto3 >= 1.28 (Debian 12's python3-boto3 is 1.26): the first interpreter with
// such a boto3 runs it; skipped where there is none.
const BOTO3_PROBE =
  "import boto3, sys; sys.exit(0 if tuple(map(int, boto3.__version__.split('.')[:2])) >= (1, 28) else 1)";
const python = ["/usr/bin/python3", "python3"].find(
  (candidate) => spawnSync(candidate, ["-c", BOTO3_PROBE]).status === 0,
);

test("boto3 uploads, starts a flow, waits, reads the output and invokes a function", async (t) => {
  if (python === undefined) {
    t.skip("no python3 with boto3 >= 1.28 (service-specific endpoint variables)");
    return;
  }
  const stateDir = mkdtempSync(join(tmpdir(), "quakeslide-boto3-"));
  const projectRoot = join(import.meta.dirname, "fixtures");
  const runtime = await EmbeddedRuntime.start({
    projectRoot,
    templates: synthesizeTemplates(createFixtureApp()),
    stateDir,
  });
  try {
    const echo = runtime.model.functions.find((f) => f.folder === "echo")!.name;
    const script = join(projectRoot, "python", "boto3_client.py");
    const args = [script, runtime.bucketName("DataBucket"), runtime.bucketName("ResultsBucket"), echo];
    // Asynchronous spawn: the runtime lives in this process and must keep serving meanwhile.
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((resolve) => {
      const child = spawn(python, args, { env: { ...process.env, ...runtime.environment } });
      let out = "";
      let err = "";
      child.stdout.on("data", (c: Buffer) => (out += c));
      child.stderr.on("data", (c: Buffer) => (err += c));
      child.on("close", (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
    });
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout);
    assert.equal(report.status, "SUCCEEDED");
    assert.equal(report.result_key, "python");
    assert.deepEqual(report.invoke, { n: 1, echoedBy: "echo" });
    assert.deepEqual(report.listed, ["python/input.json"]);
  } finally {
    await runtime.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
});
