// Batch job `train`: the susceptibility-train step on a large inventory, every core of the
// instance (worker threads). Job input: QUAKESLIDE_JOB (JSON) or QUAKESLIDE_JOB_URI (s3://).
import { susceptibilityTrainOptionsSchema } from "../../core/ml/schema.ts";
import { runSusceptibilityTrain } from "../../core/ml/step.ts";
import { runJobFromEnvironment } from "../../functions/shared/job.ts";

const threads = Number(process.env.QUAKESLIDE_THREADS ?? 1);

process.exitCode = await runJobFromEnvironment({
  step: "susceptibility-train",
  schema: susceptibilityTrainOptionsSchema,
  run: (options, onProgress) => runSusceptibilityTrain(options, onProgress),
  defaults: { threads: Number.isInteger(threads) && threads > 0 ? threads : 1 },
});
