import { InputError } from "../errors.ts";
import type { SlopeParameters } from "./infinite-slope.ts";
import { checkRasterInputs, readBand, writeBandOutputs, writeSummary } from "./raster-io.ts";
import { type StabilityOptions, stabilityOptionsSchema } from "./schema.ts";
import { runStability, type StabilitySummary } from "./step.ts";
import { propagateUncertainty, type UncertainParameter } from "./uncertainty.ts";

export interface StabilityUncertaintySummary {
  parameter: UncertainParameter;
  method: "fosm" | "montecarlo";
  samples?: number;
  seed?: number;
  /** Mean over valid cells of P(FS < 1), and the expected unstable area share. */
  meanProbabilityUnstable: number | null;
  /** Cells with P(FS < 1) >= 0.5 (compare: the deterministic unstableCells). */
  cellsLikelyUnstable: number;
  meanAcSdG: number | null;
  maxAcSdG: number | null;
}

/**
 * The stability step, plus, when a variance raster is given, P(FS < 1) (pfs.tif) and the standard
 * deviation of a_c (ac_sd.tif) from the variance of one parameter (see uncertainty.ts).
 */
export async function runStabilityWithUncertainty(
  options: StabilityOptions,
): Promise<StabilitySummary & { uncertainty?: StabilityUncertaintySummary }> {
  const summary = await runStability(options);
  const parsed = stabilityOptionsSchema.parse(options);
  if (parsed.variance === undefined && parsed.uncertainty === undefined) return summary;
  if (parsed.variance === undefined || parsed.uncertainty === undefined)
    throw new InputError("stability options: give both `variance` (a raster) and `uncertainty.parameter`");
  const { parameter, method, samples, seed } = parsed.uncertainty as {
    parameter: UncertainParameter;
    method: "fosm" | "montecarlo";
    samples: number;
    seed: number;
  };
  const rasters = [
    parsed.slope,
    parsed.variance,
    ...[
      parsed.cohesion,
      parsed.frictionAngle,
      parsed.unitWeight,
      parsed.thickness,
      parsed.saturation,
      parsed.waterUnitWeight,
    ].filter((v): v is string => typeof v === "string"),
  ];
  // P(FS < 1) and sd(a_c), and the COG writer's working copy.
  await checkRasterInputs(rasters, 12, parsed.memoryLimitGb, "stability uncertainty");
  const slope = await readBand(parsed.slope);
  const layer = async (value: number | string) =>
    typeof value === "number" ? value : (await readBand(value, slope)).values;
  const layers: Record<keyof SlopeParameters, number | Float32Array> = {
    slope: slope.values,
    cohesion: await layer(parsed.cohesion),
    frictionAngle: await layer(parsed.frictionAngle),
    unitWeight: await layer(parsed.unitWeight),
    thickness: await layer(parsed.thickness),
    saturation: await layer(parsed.saturation),
    waterUnitWeight: await layer(parsed.waterUnitWeight),
  };
  const variance = await readBand(parsed.variance, slope);
  const result = propagateUncertainty({
    layers,
    parameter,
    variance: variance.values,
    method,
    samples,
    seed,
  });
  await writeBandOutputs(parsed.outDir, "pfs", slope.grid, result.probabilityUnstable, {
    ramp: "magma",
    title: `P(FS < 1) from the variance of ${parameter}`,
    units: "probability",
    min: 0,
    max: 1,
  });
  await writeBandOutputs(parsed.outDir, "ac_sd", slope.grid, result.acSd, {
    ramp: "viridis",
    title: "Standard deviation of a_c",
    units: "g",
    min: 0,
  });
  const full = {
    ...summary,
    outputs: [
      ...summary.outputs.filter((name) => name !== "summary.json"),
      "pfs.tif",
      "pfs.png",
      "ac_sd.tif",
      "ac_sd.png",
      "summary.json",
    ],
    uncertainty: {
      parameter,
      method,
      ...(method === "montecarlo" ? { samples, seed } : {}),
      ...statistics(result.probabilityUnstable, result.acSd),
    },
  };
  writeSummary(parsed.outDir, full);
  return full;
}

function statistics(probability: Float32Array, acSd: Float32Array) {
  let count = 0;
  let sumP = 0;
  let likely = 0;
  let sumSd = 0;
  let maxSd = 0;
  for (let i = 0; i < probability.length; i++) {
    if (Number.isNaN(probability[i])) continue;
    count++;
    sumP += probability[i];
    if (probability[i] >= 0.5) likely++;
    sumSd += acSd[i];
    if (acSd[i] > maxSd) maxSd = acSd[i];
  }
  return {
    meanProbabilityUnstable: count ? sumP / count : null,
    cellsLikelyUnstable: likely,
    meanAcSdG: count ? sumSd / count : null,
    maxAcSdG: count ? maxSd : null,
  };
}
