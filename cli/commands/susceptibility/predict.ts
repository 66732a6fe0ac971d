import { PREDICT_OUTPUTS, runSusceptibilityPredict } from "../../../core/ml/step.ts";
import { parseOptions, requireOption } from "../../command.ts";
import { writeOutputsAtomically } from "../../output.ts";
import { progressPrinter } from "../../progress.ts";
import { fixed, integerOption, textOption } from "./common.ts";

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
  --json                print the summary as JSON only

Example:
  quakeslide susceptibility predict --model out/model/model.json --covariates data/ecuador/ta.tif --out out/map`;

export async function runPredict(args: string[]): Promise<number> {
  const { values } = parseOptions(args, {
    model: { type: "string" },
    covariates: { type: "string" },
    out: { type: "string" },
    threads: { type: "string" },
    json: { type: "boolean" },
  });
  const out = requireOption(textOption(values, "out"), "out");
  const options = {
    model: requireOption(textOption(values, "model"), "model"),
    covariates: requireOption(textOption(values, "covariates"), "covariates"),
    threads: integerOption(values, "threads"),
  };
  const summary = await writeOutputsAtomically(out, PREDICT_OUTPUTS, (outDir) =>
    runSusceptibilityPredict(
      { ...options, outDir },
      progressPrinter("susceptibility predict", values.json === true),
    ),
  );
  if (values.json) {
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
