import { InputError } from "../../../core/errors.ts";
import { runSusceptibilityTrain, TRAIN_OUTPUTS } from "../../../core/ml/step.ts";
import { parseOptions, requireOption } from "../../command.ts";
import { writeOutputsAtomically } from "../../output.ts";
import { progressPrinter } from "../../progress.ts";
import {
  FOREST_HELP,
  fixed,
  forestOptions,
  INVENTORY_HELP,
  integerOption,
  inventoryFrom,
  inventoryOptions,
  learnerFrom,
  textOption,
} from "./common.ts";

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
  --tune-evals N        random-search draws (default 50), as in cv
  --inner-folds K       spatial folds scoring each draw (default 5)

Output:
  --out DIR             output folder (required; new, empty, or holding only model.json)
  --cv-repeats R        spatial 5-fold CV repetitions stored in the model (default 1; 0 skips)
  --cv-folds K          folds of that CV (default 5)
  --threads N           worker threads for the forest (default: all cores)
  --json                print the summary as JSON only

Example:
  quakeslide susceptibility train --inventory data/ecuador/lsl.csv --label lslpts \\
    --covariates data/ecuador/ta.tif --trees 500 --out out/model`;

export async function runTrain(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    ...inventoryOptions,
    ...forestOptions,
    out: { type: "string" },
    "cv-repeats": { type: "string" },
    "cv-folds": { type: "string" },
    tune: { type: "boolean" },
    "tune-evals": { type: "string" },
    "inner-folds": { type: "string" },
    threads: { type: "string" },
    json: { type: "boolean" },
  });
  const out = requireOption(textOption(values, "out"), "out");
  if (!values.tune && (values["tune-evals"] !== undefined || values["inner-folds"] !== undefined))
    throw new InputError("--tune-evals and --inner-folds belong to --tune");
  const options = {
    ...inventoryFrom(values),
    ...learnerFrom(values),
    cvRepeats: integerOption(values, "cv-repeats"),
    cvFolds: integerOption(values, "cv-folds"),
    tune: values.tune
      ? {
          evaluations: integerOption(values, "tune-evals"),
          innerFolds: integerOption(values, "inner-folds"),
        }
      : undefined,
    threads: integerOption(values, "threads"),
  };
  const summary = await writeOutputsAtomically(out, TRAIN_OUTPUTS, (outDir) =>
    runSusceptibilityTrain(
      { ...options, outDir },
      progressPrinter("susceptibility train", values.json === true),
    ),
  );
  if (values.json) {
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
