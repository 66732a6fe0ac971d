import { pemlPredictOptionsSchema } from "../../../core/peml/schema.ts";
import { PEML_PREDICT_OUTPUTS, runPemlPredict } from "../../../core/peml/step.ts";
import { MEMORY_LIMIT_HELP } from "../../options.ts";
import { writeOutputsAtomically } from "../../output.ts";
import { progressPrinter } from "../../progress.ts";
import { fixed } from "../susceptibility/common.ts";
import { pemlOptions } from "./common.ts";

const options = pemlOptions(pemlPredictOptionsSchema);

export const predictHelp = `quakeslide peml predict — learned soil-parameter maps, FS, a_c and P(f) from a saved model

Usage: quakeslide peml predict --model FILE --covariates TIF --out DIR [--pga TIF] [--json]

Evaluates the model on every cell of the covariate raster (bands matched to the model's covariates
and slope by name; a nodata cell stays nodata) and writes, as COGs (Float32, NaN nodata) with a
PNG preview each: cohesion.tif (c', kPa), friction.tif (phi', degrees), saturation.tif (m),
thickness.tif (t, m), fs.tif (FS, capped at 100), ac.tif (a_c, g; 0 where FS < 1) and pf.tif
(implied probability of failure). plausibility.json reports, per parameter, the share of cells at
a bound of its transform and how the map compares with the prior (share within 2 prior sd).

Options:
  --model FILE          model.json written by "peml train" (required)
  --covariates TIF      GeoTIFF with the model's covariate bands and slope band (required)
  --pga TIF             PGA (g) of a scenario or event on the same grid, for a model trained with
                        --pga: P(f) then includes the Newmark term (without it: the static part)
  --out DIR             output folder (required)
${MEMORY_LIMIT_HELP}
  --json                print the summary as JSON only

Example:
  quakeslide peml predict --model out/peml-model/model.json --covariates data/ecuador/ta.tif --out out/peml-map`;

export async function runPredict(args: string[]): Promise<number> {
  const { options: parsed, flags } = options.parse(args);
  const out = parsed.outDir;
  const summary = await writeOutputsAtomically(out, PEML_PREDICT_OUTPUTS, (tmpDir) =>
    runPemlPredict({ ...parsed, outDir: tmpDir }, progressPrinter("peml predict", flags.json === true)),
  );
  if (flags.json) {
    console.log(JSON.stringify(summary));
    return 0;
  }
  console.log(
    `${summary.width} x ${summary.height} cells, ${summary.predictedCells} predicted, ${summary.nodataCells} nodata${summary.unseenClassCells > 0 ? `, ${summary.unseenClassCells} with a class unseen in training` : ""}`,
  );
  console.log("parameter    mean      sd        at lower / upper bound   within 2 prior sd");
  for (const p of summary.parameters) {
    const bounds = `${fixed(100 * p.shareAtLowerBound, 1)} % / ${fixed(100 * p.shareAtUpperBound, 1)} %`;
    console.log(
      `${p.parameter.padEnd(11)}  ${fixed(p.mean, 3).padEnd(8)}  ${fixed(p.sd, 3).padEnd(8)}  ${bounds.padEnd(23)}  ${fixed(100 * p.shareWithinTwoPriorSd, 1)} %`,
    );
  }
  console.log(
    `FS < 1 on ${fixed(100 * summary.shareUnstable, 1)} % of cells; mean a_c ${fixed(summary.meanAcG)} g; mean P(f) ${fixed(summary.meanPf)} (${summary.probability})`,
  );
  console.log(
    `written to ${out}: cohesion, friction, saturation, thickness, fs, ac, pf (.tif + .png), plausibility.json`,
  );
  return 0;
}
