import { EXPLAIN_OUTPUTS, runSusceptibilityExplain } from "../../../core/ml/step.ts";
import { parseOptions, requireOption } from "../../command.ts";
import { writeOutputsAtomically } from "../../output.ts";
import { fixed, integerOption, textOption } from "./common.ts";

export const explainHelp = `quakeslide susceptibility explain — which covariates drive a random-forest model

Usage: quakeslide susceptibility explain --model FILE --inventory FILE [--covariates TIF] --out DIR [options]

Permutation importance: AUROC on the points minus AUROC with one feature shuffled, mean and sd
over --repeats shuffles. Exact TreeSHAP (Lundberg et al. 2018) of the class-1 probability for
every point: expected value + sum of a point's SHAP values = its prediction.

Options:
  --model FILE          random-forest model.json from "susceptibility train" (required)
  --inventory FILE      labelled points with the model's label/x/y (and feature) columns (required)
  --covariates TIF      sample the features from this raster (required when the model was trained so)
  --repeats N           permutations per feature (default 10)
  --seed N              random seed of the permutations (default 1)
  --out DIR             output folder (required): importance.json, shap.csv (one row per point),
                        shap-summary.png (SHAP summary plot)
  --json                print the summary as JSON only

Example:
  quakeslide susceptibility explain --model out/model/model.json --inventory data/ecuador/lsl.csv \\
    --covariates data/ecuador/ta.tif --out out/explain`;

export async function runExplain(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    model: { type: "string" },
    inventory: { type: "string" },
    covariates: { type: "string" },
    repeats: { type: "string" },
    seed: { type: "string" },
    out: { type: "string" },
    json: { type: "boolean" },
  });
  const out = requireOption(textOption(values, "out"), "out");
  const options = {
    model: requireOption(textOption(values, "model"), "model"),
    inventory: requireOption(textOption(values, "inventory"), "inventory"),
    covariates: textOption(values, "covariates"),
    repeats: integerOption(values, "repeats"),
    seed: integerOption(values, "seed"),
  };
  const summary = await writeOutputsAtomically(out, EXPLAIN_OUTPUTS, (outDir) =>
    runSusceptibilityExplain({ ...options, outDir }),
  );
  if (values.json) {
    console.log(JSON.stringify(summary));
    return 0;
  }
  console.log(
    `${summary.points} points, AUROC ${fixed(summary.baseAuroc)}, expected value ${fixed(summary.expectedValue)}`,
  );
  console.log("feature              AUROC drop (sd)      mean |SHAP|");
  for (const f of summary.features) {
    console.log(
      `${f.feature.padEnd(20)} ${fixed(f.aurocDrop, 4)} (${fixed(f.sd, 4)})    ${fixed(f.meanAbsShap, 4)}`,
    );
  }
  console.log(`written: ${out}/importance.json, ${out}/shap.csv, ${out}/shap-summary.png`);
  return 0;
}
