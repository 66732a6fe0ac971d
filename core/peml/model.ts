import { evaluateSlope, type SlopeParameters, type StabilityResult } from "../stability/infinite-slope.ts";
import {
  type Bound,
  boundedValue,
  cohesionTerm,
  failureProbability,
  frictionTerm,
  SOIL_PARAMETERS,
  type SoilParameter,
  seismicLogit,
  staticLogit,
} from "./physics.ts";

/** How one covariate enters the network: standardised, or one-hot over the classes seen in training. */
export type FeatureEncoding =
  | { name: string; kind: "numeric"; mean: number; sd: number }
  | { name: string; kind: "class"; levels: number[] };

/** A dense layer, weights row-major inputs x outputs. */
export interface Layer {
  inputs: number;
  outputs: number;
  weights: Float64Array;
  bias: Float64Array;
}

/** The fitted physics-embedded model: network (covariates -> soil parameters) plus the physics that turns them into P(f). */
export interface PemlModel {
  features: FeatureEncoding[];
  /** Hidden layers use tanh; the last layer has one linear output per soil parameter. */
  layers: Layer[];
  bounds: Record<SoilParameter, Bound>;
  unitWeight: number;
  waterUnitWeight: number;
  /** s: P_static = sigmoid(−ln FS / s). */
  linkScale: number;
  /** Present when trained with a ground-motion raster: P_seismic = sigmoid((log10 D_N − log10 D_c) / scale). */
  seismic?: { scale: number; criticalDisplacementCm: number };
}

/** FS is stored capped at this value, as `quakeslide stability` writes fs.tif (flat cells are infinite). */
export const FS_CAP = 100;

export const OUTPUT_NAMES = [...SOIL_PARAMETERS, "fs", "ac", "pf"] as const;
export type OutputName = (typeof OUTPUT_NAMES)[number];
export type Outputs = Partial<Record<OutputName, Float64Array | Float32Array>>;

export function encodedWidth(features: FeatureEncoding[]): number {
  return features.reduce((width, f) => width + (f.kind === "numeric" ? 1 : f.levels.length), 0);
}

/** Standardisation and class levels from the training columns. */
export function fitEncodings(
  names: string[],
  columns: ArrayLike<number>[],
  classes: string[],
): FeatureEncoding[] {
  return names.map((name, f) => {
    const column = columns[f];
    if (classes.includes(name)) {
      const levels = [...new Set(Array.from(column))].sort((a, b) => a - b);
      return { name, kind: "class", levels };
    }
    let mean = 0;
    for (let i = 0; i < column.length; i++) mean += column[i];
    mean /= column.length;
    let variance = 0;
    for (let i = 0; i < column.length; i++) variance += (column[i] - mean) ** 2;
    const sd = Math.sqrt(variance / Math.max(1, column.length - 1));
    // A constant column is centred but not scaled (it carries no information either way).
    return { name, kind: "numeric", mean, sd: sd > 0 ? sd : 1 };
  });
}

/**
 * Writes the encoded row i into `out`; returns false when a class value was not seen in training
 * (its one-hot block is then all zero: none of the learned class effects).
 */
export function encodeRow(
  features: FeatureEncoding[],
  columns: ArrayLike<number>[],
  i: number,
  out: Float64Array,
): boolean {
  let at = 0;
  let known = true;
  for (let f = 0; f < features.length; f++) {
    const e = features[f];
    const value = columns[f][i];
    if (e.kind === "numeric") {
      out[at++] = (value - e.mean) / e.sd;
      continue;
    }
    let hit = false;
    for (let l = 0; l < e.levels.length; l++) {
      const match = e.levels[l] === value;
      out[at++] = match ? 1 : 0;
      hit ||= match;
    }
    known &&= hit;
  }
  return known;
}

/** Raw network outputs (one per soil parameter) for one encoded row; `hidden` holds one scratch array per hidden layer. */
function networkForward(
  layers: Layer[],
  input: Float64Array,
  hidden: Float64Array[],
  out: Float64Array,
): void {
  let current = input;
  for (let k = 0; k < layers.length; k++) {
    const { inputs, outputs, weights, bias } = layers[k];
    const last = k === layers.length - 1;
    const next = last ? out : hidden[k];
    for (let j = 0; j < outputs; j++) next[j] = bias[j];
    for (let l = 0; l < inputs; l++) {
      const x = current[l];
      if (x === 0) continue;
      for (let j = 0; j < outputs; j++) next[j] += x * weights[l * outputs + j];
    }
    if (!last) for (let j = 0; j < outputs; j++) next[j] = Math.tanh(next[j]);
    current = next;
  }
}

export interface EvaluationInputs {
  /** Raw covariates in the order of model.features. */
  columns: ArrayLike<number>[];
  slopeDeg: ArrayLike<number>;
  /** PGA (g) of the event, for models with a seismic term; without it P(f) is the static part alone. */
  pgaG?: ArrayLike<number>;
  count: number;
}

/**
 * Soil parameters, FS (capped at FS_CAP), a_c (g, 0 where FS < 1) and P(f) for `count` cells or
 * points, into the arrays given in `outputs`. A NaN input gives NaN outputs. Returns the number
 * of rows whose class value was not seen in training.
 */
export function evaluateModel(model: PemlModel, inputs: EvaluationInputs, outputs: Outputs): number {
  const row = new Float64Array(encodedWidth(model.features));
  const hidden = model.layers.slice(0, -1).map((layer) => new Float64Array(layer.outputs));
  const raw = new Float64Array(SOIL_PARAMETERS.length);
  const soil = new Float64Array(SOIL_PARAMETERS.length);
  // One parameter object and one result for every row (evaluateSlope fills it in place).
  const slope: SlopeParameters = {
    slope: 0,
    cohesion: 0,
    frictionAngle: 0,
    unitWeight: model.unitWeight,
    thickness: 0,
    saturation: 0,
    waterUnitWeight: model.waterUnitWeight,
  };
  const result: StabilityResult = { fs: 0, acG: 0, unstable: false };
  const { bounds, seismic } = model;
  const { columns, slopeDeg, pgaG, count } = inputs;
  let unseen = 0;
  for (let i = 0; i < count; i++) {
    let missing =
      Number.isNaN(slopeDeg[i]) || (seismic !== undefined && pgaG !== undefined && Number.isNaN(pgaG[i]));
    for (let f = 0; f < columns.length && !missing; f++) missing = Number.isNaN(columns[f][i]);
    if (missing) {
      for (const name of OUTPUT_NAMES) {
        const target = outputs[name];
        if (target) target[i] = Number.NaN;
      }
      continue;
    }
    if (!encodeRow(model.features, columns, i, row)) unseen++;
    networkForward(model.layers, row, hidden, raw);
    for (let k = 0; k < SOIL_PARAMETERS.length; k++)
      soil[k] = boundedValue(raw[k], bounds[SOIL_PARAMETERS[k]]);
    slope.slope = slopeDeg[i];
    slope.cohesion = soil[0];
    slope.frictionAngle = soil[1];
    slope.saturation = soil[2];
    slope.thickness = soil[3];
    writeRow(model, slope, pgaG?.[i], result, outputs, i);
  }
  return unseen;
}

function writeRow(
  model: PemlModel,
  p: SlopeParameters,
  pga: number | undefined,
  result: StabilityResult,
  outputs: Outputs,
  i: number,
): void {
  if (outputs.cohesion) outputs.cohesion[i] = p.cohesion;
  if (outputs.friction) outputs.friction[i] = p.frictionAngle;
  if (outputs.saturation) outputs.saturation[i] = p.saturation;
  if (outputs.thickness) outputs.thickness[i] = p.thickness;
  if (outputs.fs || outputs.ac) {
    evaluateSlope(p, result);
    if (outputs.fs) outputs.fs[i] = Math.min(FS_CAP, result.fs);
    if (outputs.ac) outputs.ac[i] = result.acG;
  }
  if (outputs.pf) {
    const a = cohesionTerm(p.cohesion, p.thickness, p.unitWeight);
    const b = frictionTerm(p.frictionAngle, p.saturation, p.unitWeight, p.waterUnitWeight);
    const seismicPart =
      model.seismic && pga !== undefined
        ? seismicLogit(a, b, p.slope, pga, model.seismic.scale, model.seismic.criticalDisplacementCm)
        : undefined;
    outputs.pf[i] = failureProbability(staticLogit(a, b, p.slope, model.linkScale), seismicPart);
  }
}
