import { susceptibilityPredictOptionsSchema } from "../../../core/ml/schema.ts";
import { PREDICT_OUTPUTS, runSusceptibilityPredict } from "../../../core/ml/step.ts";
import { MEMORY_LIMIT_HELP } from "../../options.ts";
import { writeOutputsAtomically } from "../../output.ts";
import { progressPrinter } from "../../progress.ts";
import { fixed, susceptibilityOptions } from "./common.ts";

const options = susceptibilityOptions(susceptibilityPredictOptionsSchema);

export const predictHelp = `quakeslide susceptibility predict — susceptibility map from a saved model

Usage: quakeslide susceptibility predict --model FILE --covariates TIF --out DIR [--threads N] [--json]

Predicts the landslide probability (0..1, class-1 probability of the model) of every cell of the
covariate raster, whose bands are matched to the model's features by name. A cell where any
covariate is nodata stays nodata (NaN). A model trained with --covariates checks the raster's CRS.

Options:
  --model FILE          model.json written by "susceptibility train" (required)
  --covariates TIF      GeoTIFF with one band per model feature, named as the features (required)
  --out DIR             output folder (required): susceptibility.tif (COG, Float32, NaN nodata)
                        and susceptibility.png (preview with legend)
  --threads N           worker threads (default: all cores)
${MEMORY_LIMIT_HELP}
  --json                print the summary as JSON only

Example:
  quakeslide susceptibility predict --model out/model/model.json --covariates data/ecuador/ta.tif --out out/map`;

export async function runPredict(args: string[]): Promise<number> {
  const { options: parsed, flags } = options.parse(args);
  const out = parsed.outDir;
  const summary = await writeOutputsAtomically(out, PREDICT_OUTPUTS, (tmpDir) =>
    runSusceptibilityPredict(
      { ...parsed, outDir: tmpDir },
      progressPrinter("susceptibility predict", flags.json === true),
    ),
  );
  if (flags.json) {
    console.log(JSON.stringify(summary));
    return 0;
  }
  console.log(
    `${summary.width} x ${summary.height} cells, ${summary.predictedCells} predicted, ${summary.nodataCells} nodata`,
  );
  console.log(
    `susceptibility min ${fixed(summary.min)}, mean ${fixed(summary.mean)}, max ${fixed(summary.max)}`,
  );
  console.log(`written: ${out}/susceptibility.tif, ${out}/susceptibility.png`);
  return 0;
}
