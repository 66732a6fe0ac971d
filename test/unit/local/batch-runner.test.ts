import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { JobDefinitionModel } from "../../../local/app-model.ts";
import { LocalBatchRunner } from "../../../local/batch-runner.ts";

const projectRoot = join(import.meta.dirname, "fixtures");
const definition: JobDefinitionModel = {
  name: "flaky",
  arn: "arn:aws:batch:us-east-1:000000000000:job-definition/flaky:1",
  folder: "flaky",
  environment: { QUAKESLIDE_CONTAINER: "flaky", FROM_DEFINITION: "definition", FROM_OVERRIDE: "definition" },
  attempts: 2,
};
const job = (spec: object) => ({ QUAKESLIDE_JOB: JSON.stringify(spec), FROM_OVERRIDE: "override" });

test("a failed attempt is rerun up to the retry strategy's Attempts, with the environment layered", async () => {
  const runner = new LocalBatchRunner({ projectRoot });
  const result = await runner.run({ definition, jobName: "flaky", environment: job({ failFirst: true }) });
  assert.equal(result.status, "SUCCEEDED");
  assert.deepEqual(
    result.attempts.map((a) => a.exitCode),
    [7, 0],
  );
  // The submit call's overrides win over the job definition's variables.
  assert.match(result.logTail, /attempt=2 FROM_DEFINITION=definition FROM_OVERRIDE=override/);
  const once = await runner.run({
    definition,
    jobName: "flaky",
    environment: job({ failFirst: true }),
    attempts: 1,
  });
  assert.equal(once.status, "FAILED");
  assert.match(once.statusReason ?? "", /exit code 7/);
  assert.match(once.logTail, /first attempt fails/);
});

test("an attempt past its timeout is killed and reported as such", async () => {
  const runner = new LocalBatchRunner({ projectRoot });
  const result = await runner.run({
    definition: { ...definition, attempts: 1 },
    jobName: "slow",
    environment: job({ sleepMs: 30_000 }),
    timeoutSeconds: 1,
  });
  assert.equal(result.status, "FAILED");
  assert.equal(result.attempts[0].signal, "SIGKILL");
  assert.equal(result.statusReason, "Job attempt duration exceeded timeout");
});

test("no more jobs run at once than the bound; a missing entrypoint fails the job, not the runner", async () => {
  const runner = new LocalBatchRunner({ projectRoot, maxConcurrentJobs: 1 });
  const [a, b] = await Promise.all(
    ["a", "b"].map((jobName) => runner.run({ definition, jobName, environment: job({ sleepMs: 300 }) })),
  );
  const [first, second] = [a.attempts[0], b.attempts[0]].sort((x, y) => x.startedAt - y.startedAt);
  assert.ok(second.startedAt >= first.stoppedAt, "the second job started after the first stopped");
  const missing = await runner.run({ definition: { ...definition, folder: "absent" }, jobName: "absent" });
  assert.equal(missing.status, "FAILED");
  assert.match(
    missing.statusReason ?? "",
    /CannotStartContainerError: .*absent\/entrypoint\.ts does not exist/,
  );
});
