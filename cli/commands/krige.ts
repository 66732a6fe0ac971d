import { krigeOptionsSchema } from "../../core/geostat/schema.ts";
import { type KrigeSummary, krigeOutputNames, runKrige } from "../../core/geostat/step.ts";
import type { Command } from "../command.ts";
import { MEMORY_LIMIT_HELP, verbOptions } from "../options.ts";
import { writeOutputsAtomically } from "../output.ts";

const options = verbOptions(krigeOptionsSchema, {
  fields: { covariates: { option: "covariate", repeat: true } },
  extra: { json: { type: "boolean" } },
});

const help = `quakeslide krige — variogram fitting and kriging of a soil parameter, with kriging variance

Usage:
  quakeslide krige --samples soil.csv --value COL --grid template.tif|points.csv --out DIR [options]

Inputs:
  --samples FILE        CSV of samples with a header line (comma, semicolon or tab separated)
  --x COL, --y COL      coordinate columns (default x, y), in the grid's CRS units (metres for a
                        projected CRS); a points --grid file uses the same column names
  --value COL           the column to krige
  --log                 krige ln(value) and back-transform with the lognormal correction
                        (values must be > 0); the summary says so
  --grid FILE           a GeoTIFF template (predict on every cell that is not nodata) or a CSV of
                        points (predict there)

Model:
  --variogram SPEC      auto (default: fit sph, exp, gau and mat with kappa 0.2..10, keep the smallest
                        weighted error), a family to fit (sph, exp, gau, "mat(kappa=1.5)"), or a fixed
                        model such as "sph(nugget=0.05,psill=0.59,range=897)" (range in map units)
  --cutoff D            largest lag for the empirical variogram (map units; default one third of the
                        samples' bounding-box diagonal, as gstat)
  --width D             lag width (map units; default cutoff / 15, as gstat)
  --directions LIST     also write directional variograms to variogram.csv, degrees clockwise from
                        north, e.g. 0,45,90,135 (tolerance 90 / count)
  --cloud               also write the variogram cloud (every pair within the cutoff:
                        i, j, dist, gamma = (z_i - z_j)^2 / 2) to variogram_cloud.csv

Kriging:
  --method M            ordinary (default) | simple | universal | regression
                        universal: linear trend in x, y, or in the --covariate values;
                        regression: OLS trend on the same + simple kriging of the residuals
  --covariate C         repeatable; with a GeoTIFF --grid: a raster on the same grid (sampled at the
                        samples); with a points --grid: a column present in both CSV files
  --mean M              known mean for simple kriging (default: the sample mean)
  --nmax N              local kriging with the N nearest samples (default: global, every sample)
  --max-distance D      local kriging within this search radius (map units)
  --duplicates P        error (default) | average: samples sharing a location are averaged

Checks and output:
  --cv C                loo (default: leave-one-out) | none | K (K-fold, random folds)
  --seed N              seed of the K-fold split (default ${options.defaultOf("seed")})
  --threads N           worker threads (default: every core)
  --out DIR             output folder (new or empty): prediction.tif, variance.tif (COGs, NaN nodata)
                        + PNG previews, or predictions.csv (x,y,pred,var) for points; variogram.png,
                        variogram.csv, cv.csv, summary.json
${MEMORY_LIMIT_HELP}
  --json                print the summary as JSON only

Example:
  quakeslide krige --samples meuse.csv --value zinc --log --grid meuse_grid.csv \\
    --variogram auto --nmax 20 --out out/zinc`;

function describe(summary: KrigeSummary): string {
  const cv = summary.crossValidation;
  const lines = [
    `${summary.method} kriging of ${summary.samples} samples, ${summary.neighbourhood === "global" ? "global" : `nmax ${summary.neighbourhood.nmax}`}`,
    `variogram: ${summary.variogram.text}${summary.variogram.fitted ? ` (fitted, SSErr ${summary.variogram.sserr?.toPrecision(4)})` : " (fixed)"}`,
    cv
      ? `cross-validation (${cv.method}, ${cv.scale}): mean error ${cv.meanError.toPrecision(4)}, RMSE ${cv.rootMeanSquareError.toPrecision(4)}, MSDR ${cv.meanSquaredDeviationRatio.toPrecision(4)}`
      : "cross-validation: none",
    `predicted ${summary.targets.predicted} of ${summary.targets.count} ${summary.targets.kind === "grid" ? "cells" : "points"}: prediction ${summary.prediction.min.toPrecision(4)}..${summary.prediction.max.toPrecision(4)}, variance ${summary.variance.min.toPrecision(4)}..${summary.variance.max.toPrecision(4)}`,
  ];
  if (summary.backTransform) lines.push(`back-transform: ${summary.backTransform}`);
  lines.push(`wrote ${summary.outputs.join(", ")}`);
  return lines.join("\n");
}

export const krigeCommand: Command = {
  name: "krige",
  help,
  async run(args) {
    const { options: parsed, flags } = options.parse(args);
    const summary = await writeOutputsAtomically(
      parsed.outDir,
      krigeOutputNames(parsed.grid, parsed.cloud),
      (tmpDir) => runKrige({ ...parsed, outDir: tmpDir }),
    );
    console.log(flags.json ? JSON.stringify(summary, null, 2) : describe(summary));
    return 0;
  },
};
