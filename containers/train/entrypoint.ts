// Batch job `train`: the susceptibility-train step on a large inventory, every core of the
// instance (worker threads), or, with QUAKESLIDE_JOB_KIND=peml (set in the job's environment
// overrides), the physics-embedded model's training (`peml train`, docs/peml.md).
// Job input: QUAKESLIDE_JOB (JSON) or QUAKESLIDE_JOB_URI (s3://).
import { susceptibilityTrainOptionsSchema } from "../../core/ml/schema.ts";
import { runSusceptibilityTrain } from "../../core/ml/step.ts";
import { pemlTrainOptionsSchema } from "../../core/peml/schema.ts";
import { runPemlTrain } from "../../core/peml/step.ts";
import { runJobFromEnvironment } from "../../functions/shared/job.ts";

const threads = Number(process.env.QUAKESLIDE_THREADS ?? 1);
const kind = process.env.QUAKESLIDE_JOB_KIND ?? "susceptibility";

if (kind === "peml") {
  process.exitCode = await runJobFromEnvironment({
    step: "peml-train",
    schema: pemlTrainOptionsSchema,
    run: (options, onProgress) => runPemlTrain(options, onProgress),
  });
} else if (kind === "susceptibility") {
  process.exitCode = await runJobFromEnvironment({
    step: "susceptibility-train",
    schema: susceptibilityTrainOptionsSchema,
    run: (options, onProgress) => runSusceptibilityTrain(options, onProgress),
    defaults: { threads: Number.isInteger(threads) && threads > 0 ? threads : 1 },
  });
} else {
  process.stdout.write(
    `${JSON.stringify({ level: "error", step: "train", error: "InputError", userError: true, message: `QUAKESLIDE_JOB_KIND must be susceptibility or peml, got "${kind}"` })}\n`,
  );
  process.exitCode = 2;
}
