import { InputError } from "../errors.ts";
import { cellBytes, checkMemory, DEFAULT_MEMORY_LIMIT_GB, sampleBytes } from "../limits.ts";
import { type Dataset, listLines } from "../ml/dataset.ts";
import { loadInventory } from "../ml/load.ts";
import { bandAsFloat32, type Crs, cellOf, readRaster, readRasterInfo } from "../raster/index.ts";
import { DEFAULT_BOUNDS, DEFAULT_PRIORS, SOIL_PARAMETERS, type SoilParameter } from "./physics.ts";
import type { PemlInventory, PemlSettings } from "./schema.ts";
import type { TrainingData, TrainSettings } from "./train.ts";

/** An inventory split the way the model uses it: network covariates, slope for the physics, the event's PGA. */
export interface PemlData {
  /** Every column read (the features asked for and the slope), for the random forest and the GLM. */
  dataset: Dataset;
  crs?: Crs;
  /** The features asked for, as the other learners see them. */
  features: string[];
  training: TrainingData;
}

/**
 * Reads the inventory (CSV columns or covariate bands at the points), takes the slope out of the
 * network's inputs and samples the PGA raster at the points when one is given.
 */
export async function loadPemlData(
  source: PemlInventory,
  options: { requireBothClasses?: boolean; memoryLimitGb?: number } = {},
): Promise<PemlData> {
  const asked = source.features;
  const withSlope = asked && !asked.includes(source.slope) ? [...asked, source.slope] : asked;
  const { dataset, crs } = await loadInventory({ ...source, features: withSlope }, options);
  const features = asked ?? dataset.featureNames;
  const slopeIndex = dataset.featureNames.indexOf(source.slope);
  if (slopeIndex < 0)
    throw new InputError(
      `no slope column or band "${source.slope}" (give --slope NAME); available: ${dataset.featureNames.join(", ")}`,
      { file: source.covariates ?? source.inventory },
    );
  const slopeDeg = dataset.columns[slopeIndex];
  checkSlope(slopeDeg, dataset, source.slope);
  const networkFeatures = features.filter((name) => name !== source.slope);
  for (const name of source.classes) {
    if (!networkFeatures.includes(name))
      throw new InputError(
        `--classes names "${name}", which is not one of the network's features (${networkFeatures.join(", ") || "none"})`,
      );
  }
  const columnOf = (name: string) => dataset.columns[dataset.featureNames.indexOf(name)];
  const pgaG = source.pga
    ? await samplePga(source.pga, dataset, options.memoryLimitGb ?? DEFAULT_MEMORY_LIMIT_GB)
    : undefined;
  return {
    dataset,
    crs,
    features,
    training: {
      featureNames: networkFeatures,
      columns: networkFeatures.map(columnOf),
      classes: source.classes,
      slopeDeg,
      pgaG,
      label: dataset.label,
    },
  };
}

function checkSlope(slope: Float64Array, dataset: Dataset, name: string): void {
  const bad: number[] = [];
  for (let i = 0; i < slope.length; i++)
    if (!(slope[i] >= 0 && slope[i] < 90)) bad.push(dataset.lineNumbers[i]);
  if (bad.length > 0)
    throw new InputError(
      `slope "${name}" must be in degrees, 0 <= slope < 90; ${bad.length} point(s) are not (lines ${listLines(bad)})`,
      { file: dataset.file },
    );
}

/** PGA (g) of the cell containing each point; outside the raster, nodata or negative is an input error. */
export async function samplePga(file: string, points: Dataset, memoryLimitGb: number): Promise<Float64Array> {
  const info = await readRasterInfo(file);
  // Every band as stored, and the first as Float32.
  checkMemory(
    cellBytes(info.width, info.height, info.bandCount * sampleBytes(info.sampleType) + 4),
    memoryLimitGb,
    `sampling the PGA raster of ${info.width} x ${info.height} cells`,
    file,
  );
  const raster = await readRaster(file);
  const band = bandAsFloat32(raster, 0);
  const values = new Float64Array(points.x.length);
  const bad: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const [col, row] = cellOf(raster, points.x[i], points.y[i]);
    const inside = col >= 0 && row >= 0 && col < raster.width && row < raster.height;
    values[i] = inside ? band[row * raster.width + col] : Number.NaN;
    if (!(values[i] >= 0)) bad.push(points.lineNumbers[i]);
  }
  if (bad.length > 0)
    throw new InputError(
      `PGA is missing (outside the raster or nodata) or negative at ${bad.length} point(s) of ${points.file} (lines ${listLines(bad)})`,
      { file },
    );
  return values;
}

/** The training settings with the priors completed from the defaults. */
export function trainSettingsFrom(settings: PemlSettings): TrainSettings {
  const priors = Object.fromEntries(
    SOIL_PARAMETERS.map((p) => [p, settings.priors[p] ?? DEFAULT_PRIORS[p]]),
  ) as Record<SoilParameter, { mean: number; sd: number }>;
  return {
    hidden: settings.hidden,
    epochs: settings.epochs,
    learningRate: settings.learningRate,
    batchSize: settings.batchSize,
    priorWeight: settings.priorWeight,
    weightSd: settings.weightSd,
    seed: settings.seed,
    priors,
    bounds: DEFAULT_BOUNDS,
    unitWeight: settings.unitWeight,
    waterUnitWeight: settings.waterUnitWeight,
    criticalDisplacementCm: settings.criticalDisplacementCm,
    prevalence: settings.prevalence,
  };
}

/** The rows `rows` of a training set (one CV fold). */
export function subsetTraining(data: TrainingData, rows: Int32Array): TrainingData {
  const take = (column: ArrayLike<number>) => Float64Array.from(rows, (i) => column[i]);
  return {
    featureNames: data.featureNames,
    columns: data.columns.map(take),
    classes: data.classes,
    slopeDeg: take(data.slopeDeg),
    pgaG: data.pgaG ? take(data.pgaG) : undefined,
    label: Uint8Array.from(rows, (i) => data.label[i]),
  };
}
