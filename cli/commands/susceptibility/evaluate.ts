import { EVALUATE_OUTPUTS, runSusceptibilityEvaluate } from "../../../core/ml/step.ts";
import { numberOption, parseOptions, requireOption } from "../../command.ts";
import { writeOutputsAtomically } from "../../output.ts";
import { fixed, textOption } from "./common.ts";

export const evaluateHelp = `quakeslide susceptibility evaluate — score a saved model on a (new) inventory

Usage: quakeslide susceptibility evaluate --model FILE --inventory FILE [--covariates TIF] [options]

How a past susceptibility map is checked against the landslides that really happened: AUROC,
Brier score, a reliability table (10 equal-width probability bins: mean predicted vs observed
landslide rate) and the confusion matrix at a probability threshold.

Options:
  --model FILE          model.json from "susceptibility train" (required)
  --inventory FILE      labelled points with the model's label/x/y (and feature) columns (required)
  --covariates TIF      sample the features from this raster (required when the model was trained so)
  --threshold P         probability at or above which a point counts as predicted landslide (default 0.5)
  --out DIR             also write evaluation.json
  --json                print the summary as JSON only

Example:
  quakeslide susceptibility evaluate --model out/model/model.json --inventory new_slides.csv \\
    --covariates data/ecuador/ta.tif`;

export async function runEvaluate(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    model: { type: "string" },
    inventory: { type: "string" },
    covariates: { type: "string" },
    threshold: { type: "string" },
    out: { type: "string" },
    json: { type: "boolean" },
  });
  const threshold = textOption(values, "threshold");
  const options = {
    model: requireOption(textOption(values, "model"), "model"),
    inventory: requireOption(textOption(values, "inventory"), "inventory"),
    covariates: textOption(values, "covariates"),
    threshold: threshold === undefined ? undefined : numberOption(threshold, "threshold"),
  };
  const out = textOption(values, "out");
  const summary = out
    ? await writeOutputsAtomically(out, EVALUATE_OUTPUTS, (outDir) =>
        runSusceptibilityEvaluate({ ...options, outDir }),
      )
    : await runSusceptibilityEvaluate(options);
  if (values.json) {
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
