// Batch job `sem`: one 2D SEM simulation (core/sem) with every vCPU the job definition gives it.
// Job input (QUAKESLIDE_JOB JSON, or QUAKESLIDE_JOB_URI): { inputs: { model, dem }, params:
// { ac: [g, ...] } }; the scenario names its DEM by file name, staged next to it.
// With QUAKESLIDE_STEP=campaign-sem (set by the `campaign` state machine), one campaign job
// instead: a scenario on a profile, then the Newmark coupling of the profile's cells
// (core/campaign/job.ts; input { inputs: { profile }, params: { sem, scenario, job, ... } }).
import { campaignSemOptionsSchema, runCampaignSem } from "../../core/campaign/job.ts";
import { semOptionsSchema } from "../../core/sem/schema.ts";
import { runSem } from "../../core/sem/step.ts";
import { runJobFromEnvironment } from "../../functions/shared/job.ts";

const threads = Number(process.env.QUAKESLIDE_THREADS ?? 1);
const defaults = { threads: Number.isInteger(threads) && threads > 0 ? threads : 1 };

process.exitCode =
  process.env.QUAKESLIDE_STEP === "campaign-sem"
    ? await runJobFromEnvironment({
        step: "campaign-sem",
        schema: campaignSemOptionsSchema,
        run: (options, onProgress) => runCampaignSem(options, { onProgress }),
        defaults,
      })
    : await runJobFromEnvironment({
        step: "sem",
        schema: semOptionsSchema,
        run: (options, onProgress) => runSem(options, { onProgress }),
        defaults,
        // The scenario comes from S3: its DEM must be one of the job's staged inputs, not any file.
        fixed: { demBesideScenario: true },
      });
