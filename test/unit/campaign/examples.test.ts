import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { estimateCampaign } from "../../../core/campaign/cost.ts";
import { planCampaign } from "../../../core/campaign/plan.ts";

const examples = join(import.meta.dirname, "..", "..", "..", "examples", "campaigns");

test("the laptop-sized Ecuador example plans on the real DEM (profiles clear of its nodata corner) and stays laptop-sized", async () => {
  const workDir = mkdtempSync(join(tmpdir(), "quakeslide-example-"));
  try {
    const plan = await planCampaign(join(examples, "ecuador", "campaign.json"), {
      workDir,
      codeVersion: "test",
    });
    assert.deepEqual([plan.scenarios.length, plan.profiles.length, plan.jobs.length], [12, 3, 36]);
    assert.ok(plan.profiles.every((p) => p.file.band.cell.length > 10_000));
    const estimate = estimateCampaign(plan);
    assert.ok(estimate.coreHours < 1, `${estimate.coreHours} core-hours`);
    assert.ok(estimate.memoryPerJobMiB < 1024);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
});

test("job ids are the same for the same spec and change with the code version", async () => {
  const workDir = mkdtempSync(join(tmpdir(), "quakeslide-example-"));
  try {
    const spec = join(examples, "small", "campaign.json");
    const ids = async (codeVersion: string) =>
      (await planCampaign(spec, { workDir: join(workDir, codeVersion), codeVersion })).jobs.map(
        (job) => job.id,
      );
    const first = await ids("1.0.0");
    assert.deepEqual(await ids("1.0.0"), first);
    assert.equal(new Set(first).size, 12);
    assert.match(first[0], /^g000-p0-[0-9a-f]{12}$/);
    const next = await ids("1.0.1");
    assert.ok(next.every((id, i) => id !== first[i]));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
});
