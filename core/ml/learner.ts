import type { Forest } from "./forest.ts";
import { predictForest } from "./forest.ts";
import { fitLogistic, type LogisticModel, predictLogistic } from "./glm.ts";
import { auroc } from "./metrics.ts";
import { trainForest } from "./train.ts";

export type LearnerKind = "rf" | "glm";

/** Random-forest hyper-parameters (ignored by the GLM). */
export interface ForestHyper {
  numTrees: number;
  /** Features tried per split; undefined = floor(sqrt(features)). */
  mtry?: number;
  minNodeSize: number;
  sampleFraction: number;
  replace: boolean;
}

export const DEFAULT_FOREST: ForestHyper = {
  numTrees: 100,
  minNodeSize: 1,
  sampleFraction: 1,
  replace: true,
};

export type FittedModel =
  | { kind: "rf"; forest: Forest; outOfBag?: { auroc: number; errorRate: number } }
  | { kind: "glm"; glm: LogisticModel };

export interface FitOptions {
  threads?: number;
  onProgress?: (fraction: number, message?: string) => void;
}

export async function fitLearner(
  kind: LearnerKind,
  columns: Float64Array[],
  label: Uint8Array,
  hyper: ForestHyper,
  seed: number,
  options: FitOptions = {},
): Promise<FittedModel> {
  if (kind === "glm") return { kind, glm: fitLogistic(columns, label) };
  const { forest, outOfBag } = await trainForest(columns, label, { ...hyper, seed }, options);
  // Points that were in every bag (possible with few trees) have no out-of-bag prediction.
  const scored = Int32Array.from(outOfBag.probability.keys()).filter((i) =>
    Number.isFinite(outOfBag.probability[i]),
  );
  const probability = Float64Array.from(scored, (i) => outOfBag.probability[i]);
  const scoredLabel = takeLabels(label, scored);
  let errors = 0;
  probability.forEach((p, k) => {
    if ((p >= 0.5 ? 1 : 0) !== scoredLabel[k]) errors++;
  });
  return {
    kind,
    forest,
    outOfBag: { auroc: auroc(scoredLabel, probability), errorRate: errors / scored.length },
  };
}

export function predictProbability(
  model: FittedModel,
  columns: ArrayLike<number>[],
  rowCount: number,
): Float64Array {
  return model.kind === "rf"
    ? predictForest(model.forest, columns, rowCount)
    : predictLogistic(model.glm, columns, rowCount);
}

/** The rows `rows` of every column, as new arrays. */
export function takeRows(columns: Float64Array[], rows: Int32Array): Float64Array[] {
  return columns.map((column) => {
    const out = new Float64Array(rows.length);
    for (let k = 0; k < rows.length; k++) out[k] = column[rows[k]];
    return out;
  });
}

export function takeLabels(label: Uint8Array, rows: Int32Array): Uint8Array {
  const out = new Uint8Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = label[rows[k]];
  return out;
}
