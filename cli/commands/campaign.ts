import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { z } from "zod";
import type { CampaignAggregateResult } from "../../core/campaign/aggregate-outputs.ts";
import { estimateCampaign } from "../../core/campaign/cost.ts";
import { aggregateOutputNames } from "../../core/campaign/output-names.ts";
import { type CampaignPlan, planCampaign } from "../../core/campaign/plan.ts";
import { memoryLimitSchema } from "../../core/limits.ts";
import { TARGETS, type Target } from "../client/config.ts";
import type { Quakeslide } from "../client/index.ts";
import type { Command } from "../command.ts";
import { MEMORY_LIMIT_HELP, verbOptions } from "../options.ts";
import { writeOutputsAtomically } from "../output.ts";
import { describeEstimate, describeOutcome, describeProgress } from "./campaign/describe.ts";
import { type FollowResult, followCampaign } from "./campaign/follow.ts";
import { submitCampaign } from "./campaign/submit.ts";
import { openTarget } from "./campaign/target.ts";

/** The verb's options (it has no step of its own: it plans, submits and follows). */
const campaignVerbSchema = z.object({
  spec: z.string().min(1),
  dryRun: z.boolean().default(false),
  target: z.enum(TARGETS as [Target, ...Target[]]).default("embedded"),
  outDir: z.string().min(1).optional(),
  stateDir: z.string().min(1).default(".quakeslide"),
  region: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
  /** The terrain and stability steps run while planning. */
  memoryLimitGb: memoryLimitSchema,
});

const options = verbOptions(campaignVerbSchema, {
  fields: { target: { env: "QUAKESLIDE_TARGET" } },
  extra: { json: { type: "boolean" } },
});

const help = `Usage: quakeslide campaign --spec FILE [--dry-run] [--target embedded|localstack|aws] [--out DIR] [options]

Runs a scenario campaign: earthquakes (a list, a grid over Mw × distance × depth × rupture length
and duration, or a seeded Monte Carlo sample with rates) simulated by the 2D spectral-element
solver along profiles across the area, each surface motion coupled to rigid-block Newmark for the
cells near its profile, interpolated between profiles, and aggregated over the weighted
scenarios. One SEM Batch job per scenario and profile, through the \`campaign\` state machine.
docs/campaign.md describes the spec, the coupling, the outputs and the scale plan.

Options:
  --spec FILE       Campaign spec (JSON; examples/campaigns/). Required.
  --dry-run         Only plan and estimate: number of jobs, element-steps and core-hours (at this
                    solver's measured speed), memory per job, and an AWS cost with its price
                    assumptions. Nothing is uploaded or run.
  --target NAME     embedded (default, or env QUAKESLIDE_TARGET), localstack or aws. embedded uses
                    the \`quakeslide up\` running on --state-dir if there is one, else starts an
                    embedded runtime in this process for the campaign's duration.
  --out DIR         Where the aggregated outputs are downloaded (default out/campaign-<name>):
                    P(D_N > 5, 10, 15 cm), mean and 90th-percentile D_N (COG + PNG each, cm),
                    the rarest scenarios' D_N maps, dn_vs_pga/arias/d5_95.png, area_vs_mw.png,
                    study.csv, scenarios.csv, summary.json, report.html.
  --state-dir DIR   Embedded runtime state folder (default .quakeslide).
  --region NAME     AWS region (aws target).
  --profile NAME    Named AWS profile (aws target).
${MEMORY_LIMIT_HELP}
  --json            Print only a JSON summary on stdout (progress still goes to stderr).

Running the same command again resumes: jobs whose results exist are not run again; a job that
failed (after the retries of its Batch retry strategy) is listed with its reason and run again.
Progress (done/running/failed/remaining, ETA) goes to stderr.

Example:
  quakeslide campaign --spec examples/campaigns/small/campaign.json --dry-run
  quakeslide campaign --spec examples/campaigns/small/campaign.json --out out/small-ridge`;

/** Part of every job id: a new Quakeslide version does not reuse an older one's job results. */
const packageVersion = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

export const campaignCommand: Command = {
  name: "campaign",
  help,
  async run(args) {
    const { options: values, flags } = options.parse(args);
    const json = flags.json === true;
    // Progress and messages go to stderr in every mode: stdout is the result (or the JSON).
    const say = (line: string) => console.error(line);
    const workDir = mkdtempSync(join(tmpdir(), "quakeslide-campaign-"));
    try {
      const plan = await planCampaign(values.spec, {
        workDir,
        codeVersion: packageVersion,
        memoryLimitGb: values.memoryLimitGb,
        onProgress: (message) => say(`campaign: ${message}`),
      });
      if (values.dryRun) {
        const estimate = estimateCampaign(plan, {
          vcpuHourUsd: plan.spec.cost.vcpu_hour_usd,
          stateTransitionUsd: plan.spec.cost.state_transition_usd,
        });
        if (json) console.log(JSON.stringify({ campaign: plan.spec.name, dryRun: true, ...estimate }));
        else for (const line of describeEstimate(plan, estimate)) console.log(line);
        return 0;
      }
      const target = values.target;
      const opened = await openTarget({
        target,
        stateDir: values.stateDir,
        region: values.region,
        profile: values.profile,
      });
      let outcome: { code: number; stdout: string[] };
      try {
        say(`campaign ${plan.spec.name}: ${plan.jobs.length} jobs on ${opened.description}`);
        outcome = await runAndReport(opened.client, plan, {
          outDir: values.outDir ?? join("out", `campaign-${plan.spec.name}`),
          json,
          pollMs: target === "embedded" ? 1000 : 15_000,
          say,
        });
      } finally {
        await opened.close();
      }
      for (const line of outcome.stdout) console.log(line);
      return outcome.code;
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  },
};

/** Submits, follows and downloads; returns the exit code and the lines for stdout. */
async function runAndReport(
  client: Quakeslide,
  plan: CampaignPlan,
  options: { outDir: string; json: boolean; pollMs: number; say: (line: string) => void },
): Promise<{ code: number; stdout: string[] }> {
  const submission = await submitCampaign(client, plan);
  options.say(
    `campaign ${plan.spec.name}: ${submission.submitted} jobs to run, ${submission.skipped} done in earlier runs (run ${submission.runId})`,
  );
  const followed = await followCampaign(client, plan, submission, {
    pollMs: options.pollMs,
    onProgress: (progress) => options.say(describeProgress(plan.spec.name, plan.jobs.length, progress)),
  });
  const report = {
    campaign: plan.spec.name,
    runId: submission.runId,
    status: followed.run.status,
    jobs: submission.jobs,
    skipped: submission.skipped,
    submitted: submission.submitted,
    failedJobs: followed.failedJobs,
    throttledSubmits: followed.throttledSubmits,
  };
  if (followed.run.status !== "SUCCEEDED") {
    reportFailure(plan, followed, options.say);
    const json = JSON.stringify({ ...report, error: followed.run.error, cause: followed.run.cause });
    return { code: 1, stdout: options.json ? [json] : [] };
  }
  const aggregate = (
    followed.run.output as {
      aggregate: { outputs: Record<string, string>; summary: CampaignAggregateResult };
    }
  ).aggregate;
  await downloadOutputs(client, plan, aggregate.outputs, options.outDir);
  if (options.json)
    return {
      code: 0,
      stdout: [JSON.stringify({ ...report, outDir: options.outDir, summary: aggregate.summary })],
    };
  return {
    code: 0,
    stdout: [
      `campaign ${plan.spec.name}: SUCCEEDED (run ${submission.runId}); ${submission.submitted} jobs run now, ${submission.skipped} from earlier runs`,
      ...describeOutcome(aggregate.summary, options.outDir),
    ],
  };
}

function reportFailure(plan: CampaignPlan, followed: FollowResult, say: (line: string) => void): void {
  say(
    `campaign ${plan.spec.name}: ${followed.run.status}: ${followed.run.error ?? ""} ${causeMessage(followed.run.cause)}`.trim(),
  );
  for (const failed of followed.failedJobs)
    say(
      `  job ${failed.job} failed${failed.attempts === null ? "" : ` after ${failed.attempts} attempt(s)`}: ${failed.reason}`,
    );
  say("  run the same command again to resume: finished jobs are kept and not run again");
}

/** A Lambda's error cause is JSON with errorMessage; show the message alone. */
function causeMessage(cause: string | undefined): string {
  if (!cause) return "";
  try {
    return (JSON.parse(cause) as { errorMessage?: string }).errorMessage ?? cause;
  } catch {
    return cause;
  }
}

/** Downloads the aggregation's outputs into outDir, all or nothing. */
async function downloadOutputs(
  client: Quakeslide,
  plan: CampaignPlan,
  outputs: Record<string, string>,
  outDir: string,
): Promise<void> {
  const expected = aggregateOutputNames(
    plan.scenarios.map((s) => s.id),
    plan.spec.aggregate.thresholds_cm,
  );
  await writeOutputsAtomically(outDir, expected, async (tmp) => {
    for (const uri of Object.values(outputs)) {
      const key = uri.replace(/^s3:\/\/[^/]+\//, "");
      if (basename(key) === "manifest.json") continue;
      await client.download(key, join(tmp, basename(key)));
    }
  });
}
