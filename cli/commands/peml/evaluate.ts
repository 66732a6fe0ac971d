import { pemlEvaluateOptionsSchema } from "../../../core/peml/schema.ts";
import { PEML_EVALUATE_OUTPUTS, runPemlEvaluate } from "../../../core/peml/step.ts";
import { MEMORY_LIMIT_HELP } from "../../options.ts";
import { writeOutputsAtomically } from "../../output.ts";
import { fixed } from "../susceptibility/common.ts";
import { pemlOptions } from "./common.ts";

const options = pemlOptions(pemlEvaluateOptionsSchema);

export const evaluateHelp = `quakeslide peml evaluate — how well a saved model's map predicted the landslides of a later event

Usage: quakeslide peml evaluate --model FILE --inventory FILE [--covariates TIF] [--pga TIF] [options]

Scores the implied P(f) of a saved model at the points of a new inventory: AUROC, Brier score, a
calibration table (10 equal-width bins: mean P(f) vs observed landslide rate; calibration.csv and
calibration.png with --out) and the hit rate: the share of the new landslides that fall in the
top 10 % of the map's cells by P(f) (of the raster's cells with --covariates, else of the points),
with its lift over a map drawn at random (hit rate / 0.10).

Options:
  --model FILE          model.json from "peml train" (required)
  --inventory FILE      the later event's points with the model's x/y (and covariate) columns (required)
  --label COL           label column, if not the training inventory's
  --covariates TIF      sample the covariates from this raster (required when the model was trained so)
  --pga TIF             PGA (g) of the later event, for a model trained with --pga
  --top-share F         share of the cells that counts as the map's top (default 0.1)
  --out DIR             also write evaluation.json, calibration.csv, calibration.png
${MEMORY_LIMIT_HELP}
  --json                print the summary as JSON only

Example:
  quakeslide peml evaluate --model out/peml-model/model.json --inventory later_event.csv \\
    --covariates data/ecuador/ta.tif --out out/peml-evaluation`;

export async function runEvaluate(args: string[]): Promise<number> {
  const { options: parsed, flags } = options.parse(args);
  const { outDir } = parsed;
  const summary = outDir
    ? await writeOutputsAtomically(outDir, PEML_EVALUATE_OUTPUTS, (tmpDir) =>
        runPemlEvaluate({ ...parsed, outDir: tmpDir }),
      )
    : await runPemlEvaluate(parsed);
  if (flags.json) {
    console.log(JSON.stringify(summary));
    return 0;
  }
  const h = summary.hitRate;
  console.log(
    `${summary.points} points (${summary.landslides} landslides), P(f) ${summary.probability}: AUROC ${fixed(summary.auroc)}, Brier ${fixed(summary.brier, 4)}`,
  );
  console.log(
    `hit rate: ${h.hits} of ${h.landslides} landslides (${fixed(100 * h.rate, 1)} %) in the top ${fixed(100 * h.topShare, 0)} % of the ${h.population} (P(f) >= ${fixed(h.threshold)}); lift ${fixed(h.lift, 2)}`,
  );
  console.log("bin          n   mean P(f)  observed rate");
  for (const b of summary.calibration) {
    if (b.count === 0) continue;
    console.log(
      `${b.lower.toFixed(1)}-${b.upper.toFixed(1)}  ${String(b.count).padStart(5)}   ${fixed(b.meanPredicted)}      ${fixed(b.observedRate)}`,
    );
  }
  return 0;
}
