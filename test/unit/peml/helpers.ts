import { DEFAULT_BOUNDS, DEFAULT_PRIORS } from "../../../core/peml/physics.ts";
import type { TrainingData, TrainSettings } from "../../../core/peml/train.ts";
import { factorOfSafety } from "../../../core/stability/infinite-slope.ts";
import { generateSynthetic, type Synthetic, TRUTH } from "../../fixtures/peml/synthetic.ts";

export const FIXTURES = new URL("../../fixtures/peml/", import.meta.url).pathname;

/** Training settings as the CLI defaults, with t and m pinned near the synthetic truth ("known from field data"). */
export function settings(overrides: Partial<TrainSettings> = {}): TrainSettings {
  return {
    hidden: [16],
    epochs: 300,
    learningRate: 0.05,
    batchSize: 0,
    priorWeight: 0.01,
    weightSd: 0.5,
    seed: 1,
    priors: {
      ...DEFAULT_PRIORS,
      thickness: { mean: TRUTH.thickness, sd: 0.1 },
      saturation: { mean: TRUTH.saturation, sd: 0.05 },
    },
    bounds: DEFAULT_BOUNDS,
    unitWeight: TRUTH.unitWeight,
    waterUnitWeight: TRUTH.waterUnitWeight,
    criticalDisplacementCm: TRUTH.criticalDisplacementCm,
    ...overrides,
  };
}

/** Every `stride`-th cell of the synthetic landscape as training data (network covariates elev, lith, noise). */
export function syntheticTraining(
  s: Synthetic,
  options: { seismic?: boolean; stride?: number } = {},
): { data: TrainingData; rows: Int32Array } {
  const stride = options.stride ?? 1;
  const rows = Int32Array.from({ length: Math.ceil(s.staticLabel.length / stride) }, (_, k) => k * stride);
  const take = (values: ArrayLike<number>) => Float64Array.from(rows, (i) => values[i]);
  const label = options.seismic ? s.seismicLabel : s.staticLabel;
  return {
    rows,
    data: {
      featureNames: ["elev", "lith", "noise"],
      columns: [take(s.covariates.elev), take(s.covariates.lith), take(s.covariates.noise)],
      classes: ["lith"],
      slopeDeg: take(s.covariates.slope),
      pgaG: options.seismic ? take(s.pga) : undefined,
      label: Uint8Array.from(rows, (i) => label[i]),
    },
  };
}

export function rmse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum / a.length);
}

let cached: Synthetic | undefined;
export function synthetic(): Synthetic {
  cached ??= generateSynthetic();
  return cached;
}

/** FS of the synthetic truth (t, m, γ, γ_w as TRUTH) for a slope and the soil's c' and φ'. */
export function truthFs(slope: number, cohesion: number, frictionAngle: number): number {
  return factorOfSafety({
    slope,
    cohesion,
    frictionAngle,
    unitWeight: TRUTH.unitWeight,
    thickness: TRUTH.thickness,
    saturation: TRUTH.saturation,
    waterUnitWeight: TRUTH.waterUnitWeight,
  });
}
