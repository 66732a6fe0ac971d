import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { BatchJob } from "../../local/batch-runner.ts";
import { EmbeddedRuntime } from "../../local/runtime.ts";
import { runQuakeslide } from "../helpers/run-cli.ts";

// The small example campaign (6 scenarios × 2 profiles over a synthetic ridge, seconds per SEM
// job) through `quakeslide campaign`, the project's own `campaign` state machine, the `sem`
// container as local Batch jobs and the aggregation Lambda. One run loses a job (killed mid-run
// on every attempt) and is resumed; a second, uninterrupted run on its own runtime, with
// SubmitJob throttled, must give the same files.

const repositoryRoot = join(import.meta.dirname, "..", "..");
const spec = join(repositoryRoot, "examples", "campaigns", "small", "campaign.json");
/** The job killed in the first run: scenario g003 (Mw 3.5, slow rupture) on profile p1. */
const VICTIM = /^g003-p1-/;

let workDir: string;
let runtime: EmbeddedRuntime | undefined;
let killing = true;
const attemptsByJob = new Map<string, number>();

/** Kills the victim once its log shows the solver stepping (mid-run), on every attempt. */
function onAttemptStarted(job: BatchJob, pid: number | undefined): void {
  attemptsByJob.set(job.jobName, (attemptsByJob.get(job.jobName) ?? 0) + 1);
  if (!killing || !VICTIM.test(job.jobName) || pid === undefined) return;
  const deadline = Date.now() + 60_000;
  const poll = setInterval(() => {
    if (job.logTail.includes('"progress"') || Date.now() > deadline) {
      clearInterval(poll);
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }, 20);
}

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), "quakeslide-campaign-"));
  runtime = await EmbeddedRuntime.start({
    projectRoot: repositoryRoot,
    stateDir: join(workDir, "interrupted"),
    onJobAttemptStarted: onAttemptStarted,
  });
});

after(async () => {
  await runtime?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

const campaign = async (stateDir: string, out: string) => {
  const result = await runQuakeslide([
    "campaign",
    "--spec",
    spec,
    "--state-dir",
    stateDir,
    "--out",
    out,
    "--json",
  ]);
  return { ...result, report: JSON.parse(result.stdout || "{}") };
};

function checksums(folder: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(folder)
      .sort()
      .map((name) => [
        name,
        createHash("sha256")
          .update(readFileSync(join(folder, name)))
          .digest("hex"),
      ]),
  );
}

test("a job killed mid-run on every attempt is reported with its reason; the campaign ends incomplete, with no output", async () => {
  const out = join(workDir, "out-resumed");
  const { code, report, stderr } = await campaign(join(workDir, "interrupted"), out);
  assert.equal(code, 1, stderr);
  assert.equal(report.status, "FAILED");
  assert.equal(report.submitted, 12);
  assert.equal(report.failedJobs.length, 1, JSON.stringify(report.failedJobs));
  const [failed] = report.failedJobs;
  assert.match(failed.job, VICTIM);
  assert.equal(failed.attempts, 3, "the sem job definition's retry strategy: 3 attempts");
  assert.match(failed.reason, /killed by SIGKILL/);
  assert.equal(report.error, "NotFoundError");
  assert.match(report.cause, /1 of 12 jobs have no result/);
  assert.match(
    report.cause,
    /killed by SIGKILL\) after 3 attempt/,
    "the aggregation names why the job is missing",
  );
  assert.match(stderr, /run the same command again to resume/);
  assert.equal(existsSync(out), false, "nothing is written when the campaign is incomplete");
});

test("running the same command again resumes: only the missing job runs, and the campaign completes", async () => {
  killing = false;
  const before = new Map(attemptsByJob);
  const out = join(workDir, "out-resumed");
  const { code, report, stderr } = await campaign(join(workDir, "interrupted"), out);
  assert.equal(code, 0, stderr);
  assert.equal(report.status, "SUCCEEDED");
  assert.deepEqual([report.skipped, report.submitted], [11, 1]);
  const ranNow = [...attemptsByJob].filter(([job, n]) => n > (before.get(job) ?? 0)).map(([job]) => job);
  assert.equal(ranNow.length, 1, `only the missing job ran again: ${ranNow.join(", ")}`);
  assert.match(ranNow[0], VICTIM);
  assert.ok(existsSync(join(out, "report.html")));
  await runtime?.stop();
  runtime = undefined;
});

test("an uninterrupted run (embedded runtime started by the verb, SubmitJob throttled) gives the same files", async () => {
  const stateDir = join(workDir, "uninterrupted");
  // The app's synthesized templates, cached by the first runtime: no second synthesis.
  cpSync(join(workDir, "interrupted", "templates"), join(stateDir, "templates"), { recursive: true });
  process.env.QUAKESLIDE_BATCH_SUBMIT_RATE = "1,1";
  let result: Awaited<ReturnType<typeof campaign>>;
  try {
    result = await campaign(stateDir, join(workDir, "out-uninterrupted"));
  } finally {
    delete process.env.QUAKESLIDE_BATCH_SUBMIT_RATE;
  }
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.report.submitted, 12);
  assert.ok(
    result.report.throttledSubmits > 0,
    "some submits were throttled and retried by the state machine",
  );
  const resumed = checksums(join(workDir, "out-resumed"));
  const uninterrupted = checksums(join(workDir, "out-uninterrupted"));
  assert.ok(Object.keys(resumed).length >= 20, `${Object.keys(resumed).length} files`);
  assert.deepEqual(resumed, uninterrupted);
});

test("the science: D_N grows with Mw, and at fixed PGA with the duration of shaking", () => {
  const summary = JSON.parse(readFileSync(join(workDir, "out-uninterrupted", "summary.json"), "utf8"));
  const byMw = summary.areaByMw as { mw: number; mean_dn_cm: number; landslide_area_m2: number }[];
  assert.deepEqual(
    byMw.map((g) => g.mw),
    [3, 3.5, 4],
  );
  for (let i = 1; i < byMw.length; i++) {
    assert.ok(
      byMw[i].mean_dn_cm > byMw[i - 1].mean_dn_cm,
      `mean D_N grows from Mw ${byMw[i - 1].mw} to ${byMw[i].mw}`,
    );
    assert.ok(byMw[i].landslide_area_m2 > byMw[i - 1].landslide_area_m2, "landslide area grows with Mw");
  }
  // log10 D_N = b0 + b1 log10 PGA + b2 log10 D5-95: b2 > 0 is D_N growing with duration at
  // fixed PGA; two standard errors keep a fit that merely wobbles around 0 from passing.
  const fit = summary.study[0].pgaAndDuration;
  assert.ok(fit.coefficients[2] > 2 * fit.standardErrors[2], JSON.stringify(fit));
  assert.ok(fit.coefficients[1] > 0, "and with PGA at fixed duration");
  const [p5, p10, p15] = summary.meanExceedance;
  assert.ok(p5 >= p10 && p10 >= p15 && p15 > 0, "exceedance falls with the threshold");
});
