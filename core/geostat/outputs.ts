import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeCog, writePreviewPng } from "../raster/index.ts";
import type { CrossValidation } from "./cv.ts";
import type { LoadedTargets } from "./inputs.ts";
import { semivariance, type VariogramModel } from "./models.ts";
import { writeVariogramPng } from "./plot.ts";
import type { Samples } from "./samples.ts";
import type { KrigeOptions } from "./schema.ts";
import { type EmpiricalVariogram, empiricalVariogram, variogramCloud } from "./variogram.ts";

// The files of the kriging step, each written into options.outDir.

/** prediction.tif / variance.tif with previews on a template grid, or predictions.csv at points. */
export async function writeRasterOrPoints(
  options: KrigeOptions,
  loaded: LoadedTargets,
  prediction: Float32Array,
  variance: Float32Array,
) {
  const out = (name: string) => join(options.outDir, name);
  if (loaded.grid) {
    const units = options.log ? `${options.value} (back-transformed)` : options.value;
    // Independent files: let their compression overlap.
    await Promise.all([
      writeCog(out("prediction.tif"), {
        ...loaded.grid,
        bands: [Float32Array.from(prediction)],
        bandNames: ["prediction"],
      }),
      writeCog(out("variance.tif"), {
        ...loaded.grid,
        bands: [Float32Array.from(variance)],
        bandNames: ["kriging_variance"],
      }),
      writePreviewPng(out("prediction.png"), prediction, loaded.grid, {
        title: `kriged ${options.value}`,
        units,
        ramp: "viridis",
      }),
      writePreviewPng(out("variance.png"), variance, loaded.grid, {
        title: `kriging variance of ${options.value}`,
        units: `(${units})^2`,
        ramp: "magma",
      }),
    ]);
    return;
  }
  const targets = loaded.targets as { x: Float64Array; y: Float64Array };
  const lines = ["x,y,pred,var"];
  for (let i = 0; i < prediction.length; i++)
    lines.push(`${targets.x[i]},${targets.y[i]},${float32(prediction[i])},${float32(variance[i])}`);
  await writeFile(out("predictions.csv"), `${lines.join("\n")}\n`);
}

const fmt = (v: number) => (Number.isNaN(v) ? "" : String(v));
/** A float32 value with the 8 significant digits it holds, not the 17 of its double expansion. */
const float32 = (v: number) => fmt(Number(v.toPrecision(8)));

/** variogram.csv (omnidirectional and directional bins with the model), variogram.png, the cloud. */
export async function writeVariogramOutputs(
  options: KrigeOptions,
  samples: Samples,
  values: Float64Array,
  variogram: { empirical: EmpiricalVariogram; model: VariogramModel },
) {
  const { empirical, model } = variogram;
  const rows = ["direction,np,dist,gamma,model_gamma"];
  const directional = options.directions
    ? empiricalVariogram(samples.x, samples.y, values, {
        cutoff: empirical.cutoff,
        width: empirical.width,
        directions: options.directions,
      }).bins
    : [];
  for (const bin of empirical.bins)
    rows.push(`omni,${bin.np},${bin.dist},${bin.gamma},${semivariance(model, bin.dist)}`);
  for (const bin of directional)
    rows.push(`${bin.direction},${bin.np},${bin.dist},${bin.gamma},${semivariance(model, bin.dist)}`);
  await writeFile(join(options.outDir, "variogram.csv"), `${rows.join("\n")}\n`);
  await writeVariogramPng(join(options.outDir, "variogram.png"), empirical.bins, model, empirical.cutoff);
  if (options.cloud) {
    const pairs = variogramCloud(samples.x, samples.y, values, empirical.cutoff);
    const lines = ["i,j,dist,gamma", ...pairs.map((p) => `${p.i + 1},${p.j + 1},${p.dist},${p.gamma}`)];
    await writeFile(join(options.outDir, "variogram_cloud.csv"), `${lines.join("\n")}\n`);
  }
}

/** cv.csv: per sample, observed and cross-validated prediction and variance (kriged scale). */
export async function writeCvCsv(
  options: KrigeOptions,
  samples: Samples,
  sampleOffset: Float64Array | undefined,
  cv: CrossValidation | undefined,
) {
  const rows = ["x,y,observed,predicted,variance"];
  if (cv) {
    for (let i = 0; i < samples.x.length; i++) {
      const offset = sampleOffset ? sampleOffset[i] : 0;
      rows.push(
        `${samples.x[i]},${samples.y[i]},${samples.z[i]},${fmt(cv.predicted[i] + offset)},${fmt(cv.variance[i])}`,
      );
    }
  }
  await writeFile(join(options.outDir, "cv.csv"), `${rows.join("\n")}\n`);
}
