import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, test } from "node:test";
import { resolveClientConfig } from "../../../cli/client/config.ts";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

function clearAwsEnvironment() {
  for (const name of Object.keys(process.env)) {
    if (name.startsWith("AWS_") || name.startsWith("QUAKESLIDE_")) delete process.env[name];
  }
}

test("embedded: endpoints and bucket names come from the running runtime's runtime.json", () => {
  clearAwsEnvironment();
  const stateDir = mkdtempSync(join(tmpdir(), "quakeslide-config-"));
  try {
    const runtime = {
      s3: "http://127.0.0.1:1111",
      api: "http://127.0.0.1:2222",
      region: "us-east-1",
      pid: process.pid, // a live process: this one
      buckets: { DataBucket: "d", ResultsBucket: "r" },
      credentials: { accessKeyId: "QSLKEY", secretAccessKey: "secret" },
    };
    writeFileSync(join(stateDir, "runtime.json"), JSON.stringify(runtime));
    const config = resolveClientConfig({ stateDir });
    assert.equal(config.target, "embedded");
    assert.equal(config.s3.endpoint, runtime.s3);
    assert.equal(config.sfn.endpoint, runtime.api);
    assert.equal(config.lambda.endpoint, runtime.api);
    assert.deepEqual([config.dataBucket, config.resultsBucket], ["d", "r"]);
    // The runtime's own key pair signs every request (the endpoints refuse any other).
    assert.deepEqual(config.s3.credentials, runtime.credentials);
    assert.deepEqual(config.embedded?.credentials, runtime.credentials);
    // Standard endpoint variables win over the file, as the SDK itself would let them.
    process.env.AWS_ENDPOINT_URL_S3 = "http://127.0.0.1:3333";
    assert.equal(resolveClientConfig({ stateDir }).s3.endpoint, "http://127.0.0.1:3333");
    // A runtime.json without a key pair (an older runtime) is refused with a clear message.
    const { credentials: _, ...withoutKey } = runtime;
    writeFileSync(join(stateDir, "runtime.json"), JSON.stringify(withoutKey));
    assert.throws(() => resolveClientConfig({ stateDir }), /has no key pair/);
    writeFileSync(join(stateDir, "runtime.json"), JSON.stringify(runtime));
    // A runtime.json whose process has ended is refused with a clear message.
    writeFileSync(join(stateDir, "runtime.json"), JSON.stringify({ ...runtime, pid: 2 ** 22 + 12345 }));
    assert.throws(() => resolveClientConfig({ stateDir }), /left over from process/);
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test("localstack: LocalStack's edge endpoint and test credentials unless AWS_ENDPOINT_URL says otherwise", () => {
  clearAwsEnvironment();
  const config = resolveClientConfig({ target: "localstack" });
  assert.equal(config.s3.endpoint, "http://localhost.localstack.cloud:4566");
  assert.equal(config.s3.forcePathStyle, true);
  process.env.AWS_ENDPOINT_URL = "http://127.0.0.1:4566";
  process.env.QUAKESLIDE_DATA_BUCKET = "local-data";
  const custom = resolveClientConfig({ target: "localstack" });
  assert.equal(custom.sfn.endpoint, "http://127.0.0.1:4566");
  assert.equal(custom.dataBucket, "local-data");
});

test("aws: nothing but region/profile is set, so the SDK's own configuration applies", () => {
  clearAwsEnvironment();
  process.env.QUAKESLIDE_TARGET = "aws";
  const config = resolveClientConfig({ profile: "research" });
  assert.equal(config.target, "aws");
  assert.deepEqual(config.s3, { profile: "research" });
  assert.throws(() => resolveClientConfig({ target: "gcp" as never }), /target must be one of/);
});
