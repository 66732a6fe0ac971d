import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { JobDefinitionModel } from "../../../local/app-model.ts";
import { LocalBatchRunner, submitRateFromEnvironment } from "../../../local/batch-runner.ts";

// The submit rate limit of the local Batch runner (AWS Batch: 50 SubmitJob calls per second per
// account). A job definition without an entrypoint ends at once, so only admission is timed.
const projectRoot = join(import.meta.dirname, "fixtures");
const definition: JobDefinitionModel = {
  name: "absent",
  arn: "arn:aws:batch:us-east-1:000000000000:job-definition/absent:1",
  folder: "absent",
  environment: {},
  attempts: 1,
};
const submit = (runner: LocalBatchRunner) => runner.run({ definition, jobName: "j" });

test("submits beyond the rate answer Batch.TooManyRequestsException at once; the bucket refills", async () => {
  const runner = new LocalBatchRunner({ projectRoot, submitRateLimit: { perSecond: 5, burst: 2 } });
  await submit(runner);
  await submit(runner);
  await assert.rejects(submit(runner), (error: Error) => {
    assert.equal(error.name, "Batch.TooManyRequestsException");
    assert.match(error.message, /Status Code: 429; Error Code: TooManyRequestsException/);
    return true;
  });
  assert.equal(runner.throttledSubmits, 1);
  // 5 per second: one token after 200 ms (wait a little more: timers are not exact).
  await new Promise((resolve) => setTimeout(resolve, 300));
  const admitted = await submit(runner);
  assert.equal(admitted.status, "FAILED", "admitted, then failed for its missing entrypoint");
  const unlimited = new LocalBatchRunner({ projectRoot, submitRateLimit: undefined });
  await Promise.all(Array.from({ length: 20 }, () => submit(unlimited)));
  assert.equal(unlimited.throttledSubmits, 0);
});

test("QUAKESLIDE_BATCH_SUBMIT_RATE is '<per second>[,<burst>]'", () => {
  assert.equal(submitRateFromEnvironment(undefined), undefined);
  assert.deepEqual(submitRateFromEnvironment("2"), { perSecond: 2, burst: undefined });
  assert.deepEqual(submitRateFromEnvironment("0.5,3"), { perSecond: 0.5, burst: 3 });
  assert.throws(() => submitRateFromEnvironment("fast"), /QUAKESLIDE_BATCH_SUBMIT_RATE must be/);
  assert.throws(() => submitRateFromEnvironment("2,0"), /QUAKESLIDE_BATCH_SUBMIT_RATE must be/);
});
