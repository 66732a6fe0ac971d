import { susceptibilityExplainOptionsSchema } from "../../../core/ml/schema.ts";
import { EXPLAIN_OUTPUTS, runSusceptibilityExplain } from "../../../core/ml/step.ts";
import { MEMORY_LIMIT_HELP } from "../../options.ts";
import { writeOutputsAtomically } from "../../output.ts";
import { fixed, susceptibilityOptions } from "./common.ts";

const options = susceptibilityOptions(susceptibilityExplainOptionsSchema);

export const explainHelp = `quakeslide susceptibility explain — which covariates drive a random-forest model

Usage: quakeslide susceptibility explain --model FILE --inventory FILE [--covariates TIF] --out DIR [options]

Permutation importance: AUROC on the points minus AUROC with one feature shuffled, mean and sd
over --repeats shuffles. Exact TreeSHAP (Lundberg et al. 2018) of the class-1 probability for
every point: expected value + sum of a point's SHAP values = its prediction.

Options:
  --model FILE          random-forest model.json from "susceptibility train" (required)
  --inventory FILE      labelled points with the model's label/x/y (and feature) columns (required)
  --covariates TIF      sample the features from this raster (required when the model was trained so)
  --repeats N           permutations per feature (default ${options.defaultOf("repeats")})
  --seed N              random seed of the permutations (default ${options.defaultOf("seed")})
  --out DIR             output folder (required): importance.json, shap.csv (one row per point),
                        shap-summary.png (SHAP summary plot)
${MEMORY_LIMIT_HELP}
  --json                print the summary as JSON only

Example:
  quakeslide susceptibility explain --model out/model/model.json --inventory data/ecuador/lsl.csv \\
    --covariates data/ecuador/ta.tif --out out/explain`;

export async function runExplain(args: string[]): Promise<number> {
  const { options: parsed, flags } = options.parse(args);
  const out = parsed.outDir;
  const summary = await writeOutputsAtomically(out, EXPLAIN_OUTPUTS, (tmpDir) =>
    runSusceptibilityExplain({ ...parsed, outDir: tmpDir }),
  );
  if (flags.json) {
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
