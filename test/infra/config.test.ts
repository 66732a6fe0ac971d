import assert from "node:assert/strict";
import { test } from "node:test";
import { App } from "aws-cdk-lib";
import { readStageConfig } from "../../infra/config.ts";

test("stage overrides from quakeslide:stages apply, and -c values (strings) become numbers and booleans", () => {
  const app = new App({
    context: {
      "quakeslide:stage": "prod",
      "quakeslide:stages": { prod: { cpuMaxVcpus: 512, retainData: true } },
      "quakeslide:campaignMaxConcurrency": "7",
      "quakeslide:retainData": "false",
    },
  });
  const config = readStageConfig(app);
  assert.equal(config.stage, "prod");
  assert.equal(config.cpuMaxVcpus, 512);
  assert.equal(config.campaignMaxConcurrency, 7);
  assert.equal(config.retainData, false, "a direct -c setting wins over the stage map");
  assert.equal(config.gpuMaxVcpus, 32, "unset keys keep their defaults");
});

test("a stage name that cannot be part of a bucket name, or a non-numeric limit, is refused", () => {
  assert.throws(
    () => readStageConfig(new App({ context: { "quakeslide:stage": "Prod_1" } })),
    /quakeslide:stage/,
  );
  assert.throws(
    () => readStageConfig(new App({ context: { "quakeslide:cpuMaxVcpus": "many" } })),
    /quakeslide:cpuMaxVcpus must be a number/,
  );
});
