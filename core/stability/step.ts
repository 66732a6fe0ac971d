import { mkdirSync } from "node:fs";
import { parseOptionsWith } from "../options.ts";
import type { SlopeParameters } from "./infinite-slope.ts";
import { probabilityMap, recordDisplacementMap, regressionDisplacementMap } from "./newmark-map.ts";
import {
  type Band,
  cellAreasByRow,
  cellError,
  checkRasterInputs,
  nothingToCompute,
  readBand,
  writeBandOutputs,
  writeSummary,
} from "./raster-io.ts";
import { readAccelerationRecord } from "./records.ts";
import type { RegressionModel } from "./regressions.ts";
import {
  NEWMARK_MAP_OUTPUTS,
  type NewmarkMapOptions,
  newmarkMapOptionsSchema,
  STABILITY_OUTPUTS,
  type StabilityOptions,
  stabilityOptionsSchema,
} from "./schema.ts";
import { FS_RASTER_MAX, type Layer, stabilityGrid } from "./stability-grid.ts";

export interface StabilitySummary {
  width: number;
  height: number;
  cells: number;
  nodataCells: number;
  unstableCells: number;
  flatCells: number;
  acMeanG: number | null;
  acMaxG: number | null;
  fsCap: number;
  outputs: string[];
}

/** Static stability: fs.tif, ac.tif and unstable.tif (COG + PNG each) and summary.json in outDir. */
export async function runStability(options: StabilityOptions): Promise<StabilitySummary> {
  const parsed = parseOptionsWith(stabilityOptionsSchema, options, "stability options");
  const soilRasters = [
    parsed.cohesion,
    parsed.frictionAngle,
    parsed.unitWeight,
    parsed.thickness,
    parsed.saturation,
    parsed.waterUnitWeight,
  ].filter((value): value is string => typeof value === "string");
  // fs, ac and unstable: three Float32 outputs.
  await checkRasterInputs([parsed.slope, ...soilRasters], 12, parsed.memoryLimitGb, "stability");
  const slope = await readBand(parsed.slope);
  const layerOf = async (value: number | string): Promise<Layer> =>
    typeof value === "number" ? value : { values: (await readBand(value, slope)).values, file: value };
  const layers: Record<keyof SlopeParameters, Layer> = {
    slope: { values: slope.values, file: slope.file },
    cohesion: await layerOf(parsed.cohesion),
    frictionAngle: await layerOf(parsed.frictionAngle),
    unitWeight: await layerOf(parsed.unitWeight),
    thickness: await layerOf(parsed.thickness),
    saturation: await layerOf(parsed.saturation),
    waterUnitWeight: await layerOf(parsed.waterUnitWeight),
  };
  const { width, height } = slope.grid;
  const result = stabilityGrid(layers, width, width * height);
  if (result.counts.nodata === result.counts.cells) {
    const rasters = Object.values(layers).filter((layer) => typeof layer !== "number");
    throw nothingToCompute(rasters.map((layer) => ({ ...layer, grid: slope.grid })));
  }
  mkdirSync(parsed.outDir, { recursive: true });
  await writeBandOutputs(parsed.outDir, "fs", slope.grid, result.fs, {
    ramp: "diverging",
    title: "Static factor of safety",
    units: "-",
    min: 0,
    max: 2,
  });
  await writeBandOutputs(parsed.outDir, "ac", slope.grid, result.acG, {
    ramp: "viridis",
    title: "Critical acceleration",
    units: "g",
  });
  await writeBandOutputs(parsed.outDir, "unstable", slope.grid, result.unstable, {
    ramp: "greys",
    title: "Statically unstable (FS < 1)",
    units: "1 = unstable",
    min: 0,
    max: 1,
  });
  const { mean, max } = meanAndMax(result.acG);
  const summary: StabilitySummary = {
    width,
    height,
    cells: result.counts.cells,
    nodataCells: result.counts.nodata,
    unstableCells: result.counts.unstable,
    flatCells: result.counts.flat,
    acMeanG: mean,
    acMaxG: max,
    fsCap: FS_RASTER_MAX,
    outputs: [...STABILITY_OUTPUTS],
  };
  writeSummary(parsed.outDir, summary);
  return summary;
}

export interface NewmarkMapSummary {
  mode: "record" | "regression";
  model: RegressionModel | "rigid-block";
  record?: {
    name: string;
    dtS: number;
    npts: number;
    polarity: string;
    tableNodes: number;
    exactEvaluations: number;
  };
  width: number;
  height: number;
  validCells: number;
  nodataCells: number;
  thresholdCm: number;
  cellsAboveThreshold: number;
  areaAboveThresholdM2: number;
  meanPf: number | null;
  maxDnCm: number | null;
  /** Regression mode: cells evaluated at a_c/PGA = 0.05 because their ratio was lower. */
  ratioClampedCells?: number;
  outputs: string[];
}

function assertNonNegative(band: Band, what: string): void {
  for (let i = 0; i < band.values.length; i++) {
    if (band.values[i] < 0)
      // Float32 values, shown to the 7 digits they hold.
      throw cellError(
        band.file,
        i,
        band.grid.width,
        `${what} = ${band.values[i].toPrecision(7)} is negative`,
      );
  }
}

/** D_N and P(f) maps: dn_cm.tif, pf.tif (COG + PNG each) and summary.json in outDir. */
export async function runNewmarkMap(options: NewmarkMapOptions): Promise<NewmarkMapSummary> {
  const parsed = parseOptionsWith(newmarkMapOptionsSchema, options, "newmark-map options");
  const rasters = [parsed.ac, parsed.pga, parsed.pgv, parsed.arias].filter((path) => path !== undefined);
  // dn_cm and pf: two Float32 outputs.
  await checkRasterInputs(rasters, 8, parsed.memoryLimitGb, "newmark-map");
  const ac = await readBand(parsed.ac);
  assertNonNegative(ac, "a_c (g)");
  const inputBands = [ac];
  let displacementCm: Float32Array;
  let extra: Partial<NewmarkMapSummary>;
  if (parsed.record !== undefined) {
    const record = readAccelerationRecord(parsed.record, {
      dtS: parsed.dt,
      units: parsed.units,
      scale: parsed.scale,
    });
    const map = recordDisplacementMap(ac.values, record.accelerationG, record.dtS, parsed.polarity);
    displacementCm = map.displacementCm;
    extra = {
      mode: "record",
      model: "rigid-block",
      record: {
        name: record.name,
        dtS: record.dtS,
        npts: record.accelerationG.length,
        polarity: parsed.polarity,
        tableNodes: map.table.acG.length,
        exactEvaluations: map.table.evaluations,
      },
    };
  } else {
    const pga = await readBand(parsed.pga as string, ac);
    assertNonNegative(pga, "PGA (g)");
    const pgv = parsed.pgv === undefined ? undefined : await readBand(parsed.pgv, ac);
    const arias = parsed.arias === undefined ? undefined : await readBand(parsed.arias, ac);
    if (pgv) assertNonNegative(pgv, "PGV (cm/s)");
    if (arias) assertNonNegative(arias, "Arias intensity (m/s)");
    inputBands.push(pga, ...(pgv ? [pgv] : []), ...(arias ? [arias] : []));
    const model = parsed.model as RegressionModel;
    const map = regressionDisplacementMap({
      model,
      acG: ac.values,
      pgaG: pga.values,
      pgvCmS: model === "saygili-rathje2008" ? pgv?.values : undefined,
      ariasMS: model === "jibson2007-arias" ? arias?.values : undefined,
      magnitude: parsed.magnitude,
    });
    displacementCm = map.displacementCm;
    extra = { mode: "regression", model, ratioClampedCells: map.clampedCells };
  }
  if (displacementCm.every((value) => Number.isNaN(value))) throw nothingToCompute(inputBands);
  const pf = probabilityMap(displacementCm);
  mkdirSync(parsed.outDir, { recursive: true });
  await writeBandOutputs(parsed.outDir, "dn_cm", ac.grid, displacementCm, {
    ramp: "magma",
    // Statically unstable cells (a_c = 0) slide metres and would wash out the scale; 30 cm is
    // past every hazard threshold in use (Jibson & Michael 2009: 1, 5, 15 cm).
    title: "Newmark displacement (30 cm and more saturate)",
    units: "cm",
    min: 0,
    max: 30,
  });
  await writeBandOutputs(parsed.outDir, "pf", ac.grid, pf, {
    ramp: "magma",
    title: "Probability of failure (Jibson et al. 2000)",
    units: "-",
    min: 0,
    max: 0.335,
  });
  const summary = {
    ...extra,
    ...mapStatistics(ac, displacementCm, pf, parsed.threshold),
  } as NewmarkMapSummary;
  writeSummary(parsed.outDir, summary);
  return summary;
}

function mapStatistics(ac: Band, displacementCm: Float32Array, pf: Float32Array, thresholdCm: number) {
  const areas = cellAreasByRow(ac.grid);
  const width = ac.grid.width;
  let valid = 0;
  let above = 0;
  let area = 0;
  let pfSum = 0;
  let maxDn = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < displacementCm.length; i++) {
    const dn = displacementCm[i];
    if (Number.isNaN(dn)) continue;
    valid++;
    pfSum += pf[i];
    if (dn > maxDn) maxDn = dn;
    if (dn > thresholdCm) {
      above++;
      area += areas[Math.floor(i / width)];
    }
  }
  return {
    width,
    height: ac.grid.height,
    validCells: valid,
    nodataCells: displacementCm.length - valid,
    thresholdCm,
    cellsAboveThreshold: above,
    areaAboveThresholdM2: area,
    meanPf: valid > 0 ? pfSum / valid : null,
    maxDnCm: valid > 0 ? maxDn : null,
    outputs: [...NEWMARK_MAP_OUTPUTS],
  };
}

function meanAndMax(values: Float32Array): { mean: number | null; max: number | null } {
  let sum = 0;
  let count = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (Number.isNaN(value)) continue;
    sum += value;
    count++;
    if (value > max) max = value;
  }
  return count > 0 ? { mean: sum / count, max } : { mean: null, max: null };
}
