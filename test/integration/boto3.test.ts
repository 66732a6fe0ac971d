import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { EmbeddedRuntime } from "../../local/runtime.ts";
import { synthesizeTemplates } from "../../local/templates.ts";
import { createFixtureApp } from "./fixtures/app.ts";

// Python users drive the runtime with plain boto3 and the standard endpoint variables (see
// docs/python.md); this runs that script against a live runtime, and GDAL's /vsis3/ (which
// signs its own requests) on a COG in the runtime's S3. Both must pass the runtime's checks. The service-specific endpoint
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
    const { code, stdout, stderr } = await run(python, args, { ...process.env, ...runtime.environment });
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

test("GDAL's /vsis3/ reads a COG from the runtime's S3 with the printed variables", async (t) => {
  if (spawnSync("gdalinfo", ["--version"]).status !== 0) {
    t.skip("no gdalinfo");
    return;
  }
  const stateDir = mkdtempSync(join(tmpdir(), "quakeslide-gdal-"));
  const runtime = await EmbeddedRuntime.start({
    projectRoot: join(import.meta.dirname, "fixtures"),
    templates: synthesizeTemplates(createFixtureApp()),
    stateDir,
  });
  try {
    const bucket = runtime.bucketName("DataBucket");
    const cog = join(import.meta.dirname, "..", "fixtures", "raster", "gdal_cog_deflate.tif");
    await runtime.s3Client.send(
      new PutObjectCommand({ Bucket: bucket, Key: "dem/cog.tif", Body: readFileSync(cog) }),
    );
    const env = {
      ...process.env,
      ...runtime.environment,
      AWS_S3_ENDPOINT: new URL(runtime.endpoints.s3).host,
      AWS_HTTPS: "NO",
      AWS_VIRTUAL_HOSTING: "FALSE",
    };
    const { code, stdout, stderr } = await run("gdalinfo", ["-json", `/vsis3/${bucket}/dem/cog.tif`], env);
    assert.equal(code, 0, stderr);
    const info = JSON.parse(stdout) as { size: number[] };
    assert.ok(info.size[0] > 0 && info.size[1] > 0);
    // The same read signed with the public S3RVER pair is refused.
    const foreign = { ...env, AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };
    const refused = await run("gdalinfo", [`/vsis3/${bucket}/dem/cog.tif`], foreign);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /InvalidAccessKeyId|403/);
  } finally {
    await runtime.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
});

/** Runs a command asynchronously: the runtime lives in this process and must keep serving. */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c));
    child.stderr.on("data", (c: Buffer) => (err += c));
    child.on("close", (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
  });
}
