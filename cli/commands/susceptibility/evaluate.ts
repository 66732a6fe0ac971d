import { susceptibilityEvaluateOptionsSchema } from "../../../core/ml/schema.ts";
import { EVALUATE_OUTPUTS, runSusceptibilityEvaluate } from "../../../core/ml/step.ts";
import { MEMORY_LIMIT_HELP } from "../../options.ts";
import { writeOutputsAtomically } from "../../output.ts";
import { fixed, susceptibilityOptions } from "./common.ts";

const options = susceptibilityOptions(susceptibilityEvaluateOptionsSchema);

export const evaluateHelp = `quakeslide susceptibility evaluate — score a saved model on a (new) inventory

Usage: quakeslide susceptibility evaluate --model FILE --inventory FILE [--covariates TIF] [options]

How a past susceptibility map is checked against the landslides that really happened: AUROC,
Brier score, a reliability table (10 equal-width probability bins: mean predicted vs observed
landslide rate) and the confusion matrix at a probability threshold.

Options:
  --model FILE          model.json from "susceptibility train" (required)
  --inventory FILE      labelled points with the model's label/x/y (and feature) columns (required)
  --covariates TIF      sample the features from this raster (required when the model was trained so)
  --threshold P         probability at or above which a point counts as predicted landslide (default ${options.defaultOf("threshold")})
  --out DIR             also write evaluation.json
${MEMORY_LIMIT_HELP}
  --json                print the summary as JSON only

Example:
  quakeslide susceptibility evaluate --model out/model/model.json --inventory new_slides.csv \\
    --covariates data/ecuador/ta.tif`;

export async function runEvaluate(args: string[]): Promise<number> {
  const { options: parsed, flags } = options.parse(args);
  const { outDir } = parsed;
  const summary = outDir
    ? await writeOutputsAtomically(outDir, EVALUATE_OUTPUTS, (tmpDir) =>
        runSusceptibilityEvaluate({ ...parsed, outDir: tmpDir }),
      )
    : await runSusceptibilityEvaluate(parsed);
  if (flags.json) {
    console.log(JSON.stringify(summary));
    return 0;
  }
  const c = summary.confusion;
  console.log(
    `${summary.points} points (${summary.landslides} landslides): AUROC ${fixed(summary.auroc)}, Brier ${fixed(summary.brier, 4)}`,
  );
  console.log(
    `at p >= ${c.threshold}: TP ${c.truePositive}, FP ${c.falsePositive}, TN ${c.trueNegative}, FN ${c.falseNegative}; sensitivity ${fixed(c.sensitivity)}, specificity ${fixed(c.specificity)}`,
  );
  console.log("bin          n   mean predicted  observed rate");
  for (const b of summary.calibration) {
    if (b.count === 0) continue;
    console.log(
      `${b.lower.toFixed(1)}-${b.upper.toFixed(1)}  ${String(b.count).padStart(5)}   ${fixed(b.meanPredicted)}           ${fixed(b.observedRate)}`,
    );
  }
  return 0;
}
