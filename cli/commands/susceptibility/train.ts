import { susceptibilityTrainOptionsSchema } from "../../../core/ml/schema.ts";
import { runSusceptibilityTrain, TRAIN_OUTPUTS } from "../../../core/ml/step.ts";
import { MEMORY_LIMIT_HELP } from "../../options.ts";
import { writeOutputsAtomically } from "../../output.ts";
import { progressPrinter } from "../../progress.ts";
import { FOREST_HELP, fixed, INVENTORY_HELP, susceptibilityOptions, TUNING_DEFAULTS } from "./common.ts";

const options = susceptibilityOptions(susceptibilityTrainOptionsSchema);

export const trainHelp = `quakeslide susceptibility train — fit a susceptibility model on all points and save it

Usage: quakeslide susceptibility train --inventory FILE --label COL (--features A,B,C | --covariates TIF) --out DIR [options]

Writes DIR/model.json: a versioned artifact with the features, learner, hyper-parameters, seed,
the sha256 of the training inventory, its spatial-CV AUROC and (random forest) out-of-bag AUROC.
Train with --covariates to predict on that raster's bands later (the model records its CRS).
With --tune, mtry, min node size and sample fraction are chosen first ("tune, then fit").

${INVENTORY_HELP}

${FOREST_HELP}

Tuning (rf only):
  --tune                random search over mtry (1..p), min node size (1..10) and sample fraction
                        (0.2..0.9), each draw scored by spatial CV on all the points; the forest
                        is then fitted with the best draw (--mtry, --min-node-size and
                        --sample-fraction are ignored). model.json records the search space, the
                        chosen values, their inner CV AUROC (optimistic: it picked them) and every
                        draw. For an unbiased estimate of tune-then-fit, run \`cv --tune\`.
  --tune-evals N        random-search draws (default ${TUNING_DEFAULTS.evaluations}), as in cv
  --inner-folds K       spatial folds scoring each draw (default ${TUNING_DEFAULTS.innerFolds})

Output:
  --out DIR             output folder (required; new, empty, or holding only model.json)
  --cv-repeats R        spatial CV repetitions stored in the model (default ${options.defaultOf("cv-repeats")}; 0 skips)
  --cv-folds K          folds of that CV (default ${options.defaultOf("cv-folds")})
  --threads N           worker threads for the forest (default: all cores)
${MEMORY_LIMIT_HELP}
  --json                print the summary as JSON only

Example:
  quakeslide susceptibility train --inventory data/ecuador/lsl.csv --label lslpts \\
    --covariates data/ecuador/ta.tif --trees 500 --out out/model`;

export async function runTrain(args: string[]): Promise<number> {
  const { options: parsed, flags } = options.parse(args);
  const out = parsed.outDir;
  const summary = await writeOutputsAtomically(out, TRAIN_OUTPUTS, (tmpDir) =>
    runSusceptibilityTrain(
      { ...parsed, outDir: tmpDir },
      progressPrinter("susceptibility train", flags.json === true),
    ),
  );
  if (flags.json) {
    console.log(JSON.stringify({ ...summary, model: `${out}/model.json` }));
    return 0;
  }
  console.log(
    `${summary.learner} on ${summary.points} points (${summary.landslides} landslides), features ${summary.features.join(", ")}`,
  );
  if (summary.tuned)
    console.log(
      `tuned: mtry ${summary.tuned.mtry}, min node size ${summary.tuned.minNodeSize}, sample fraction ${fixed(summary.tuned.sampleFraction, 2)} (inner spatial CV AUROC ${fixed(summary.tuned.innerAuroc)})`,
    );
  if (summary.outOfBagAuroc !== undefined)
    console.log(
      `out-of-bag AUROC ${fixed(summary.outOfBagAuroc)}, error rate ${fixed(summary.outOfBagErrorRate)}`,
    );
  if (summary.spatialCvAurocMean !== undefined)
    console.log(
      `spatial CV AUROC ${fixed(summary.spatialCvAurocMean)} (sd ${fixed(summary.spatialCvAurocSd)})`,
    );
  console.log(`model written to ${out}/model.json`);
  return 0;
}
