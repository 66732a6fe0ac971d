import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runQuakeslide } from "../../helpers/run-cli.ts";

const example = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "examples",
  "campaigns",
  "small",
  "campaign.json",
);

test("campaign --help names the options, their units and an example", async () => {
  const { code, stdout } = await runQuakeslide(["campaign", "--help"]);
  assert.equal(code, 0);
  for (const word of ["--spec", "--dry-run", "--target", "--out", "core-hours", "resume", "Example:"])
    assert.ok(stdout.includes(word), word);
});

test("campaign --dry-run: jobs, solver work, memory and an AWS estimate, nothing run", async () => {
  const { code, stdout, stderr } = await runQuakeslide([
    "campaign",
    "--spec",
    example,
    "--dry-run",
    "--json",
  ]);
  assert.equal(code, 0, stderr);
  const estimate = JSON.parse(stdout);
  assert.deepEqual([estimate.jobs, estimate.scenarios, estimate.profiles], [12, 6, 2]);
  // Elements × steps per job, summed: between 12 × 300 × 1,500 and 12 × 600 × 3,000 for these meshes.
  assert.ok(estimate.elementSteps > 5.4e6 && estimate.elementSteps < 2.2e7, String(estimate.elementSteps));
  assert.ok(Math.abs(estimate.coreHours - estimate.elementSteps / 1.36e6 / 3600) < 1e-12);
  assert.ok(estimate.memoryPerJobMiB > 100 && estimate.memoryPerJobMiB < 1024);
  assert.ok(estimate.aws.totalSpotUsd > 0 && estimate.aws.totalSpotUsd < estimate.aws.totalOnDemandUsd);
  const text = await runQuakeslide(["campaign", "--spec", example, "--dry-run"]);
  assert.match(text.stdout, /12 SEM jobs/);
  assert.match(text.stdout, /AWS estimate: \$[0-9.]+ on Spot/);
});

test("campaign with a missing or invalid spec exits 2 with one line naming the file", async () => {
  const missing = await runQuakeslide(["campaign"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /missing required option --spec/);
  const dir = mkdtempSync(join(tmpdir(), "quakeslide-campaign-cli-"));
  try {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ name: "x", area: { dem: "dem.tif" } }));
    const invalid = await runQuakeslide(["campaign", "--spec", bad, "--dry-run"]);
    assert.equal(invalid.code, 2);
    assert.equal(invalid.stderr.trim().split("\n").length, 1, invalid.stderr);
    assert.match(invalid.stderr, /bad\.json: invalid campaign spec: area: give either area\.ac/);
    const spec = JSON.parse(readFileSync(example, "utf8"));
    writeFileSync(bad, JSON.stringify({ ...spec, area: { dem: "absent.tif", ac: "absent.tif" } }));
    const absent = await runQuakeslide(["campaign", "--spec", bad, "--dry-run"]);
    assert.equal(absent.code, 2);
    assert.match(absent.stderr, /absent\.tif: file not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
