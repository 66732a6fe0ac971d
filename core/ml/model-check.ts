import { z } from "zod";
import { InputError } from "../errors.ts";
import { describeIssues } from "../options.ts";
import type { ModelArtifact, SerializedTree } from "./model.ts";

/**
 * What predict, explain and evaluate rely on in a model.json, checked when it is loaded: a
 * tampered or corrupt file is refused with the field named, instead of hanging (a child index that
 * points back up a tree), crashing (an index past the end) or giving a map that looks right (a
 * feature index past the features reads another column; a leaf probability outside 0..1).
 * Informational fields (hyper-parameters, CV scores, tuning) are kept as they are.
 */
const name = z.string().min(1);
/** The training fields predict relies on (column names, the covariates' CRS), for any model.json. */
export const trainingRecordShape = z.looseObject({
  label: name,
  x: name,
  y: name,
  covariates: name.optional(),
  epsg: z.int().positive().optional(),
});
const modelShape = z.looseObject({
  learner: z.enum(["rf", "glm"]),
  features: z
    .array(name)
    .min(1)
    .refine((features) => new Set(features).size === features.length, "feature names must be unique"),
  training: trainingRecordShape,
  glm: z.object({ coefficients: z.array(z.number()) }).optional(),
  // Trees are checked by a loop below: zod per element is too slow for 10^6 nodes.
  forest: z.object({ trees: z.array(z.looseObject({})).min(1) }).optional(),
});

const TREE_ARRAYS = ["feature", "threshold", "left", "right", "probability", "cover"] as const;

/** Checks a parsed model.json; returns it typed, or throws an InputError naming the field. */
export function checkModel(value: unknown, file: string): ModelArtifact {
  const result = modelShape.safeParse(value);
  if (!result.success)
    throw new InputError(`invalid model: ${describeIssues(result.error, value)}`, { file });
  const model = result.data;
  const p = model.features.length;
  if (model.learner === "glm") {
    const coefficients = model.glm?.coefficients;
    if (!coefficients)
      throw new InputError("invalid model: glm.coefficients is missing for learner glm", { file });
    if (coefficients.length !== p + 1)
      throw new InputError(
        `invalid model: glm.coefficients has ${coefficients.length} values; ${p} features need ${p + 1} (intercept first)`,
        { file },
      );
  } else {
    if (!model.forest)
      throw new InputError("invalid model: forest.trees is missing for learner rf", { file });
    model.forest.trees.forEach((tree, t) => {
      const problem = treeProblem(tree as unknown as Record<string, unknown>, p);
      if (problem) throw new InputError(`invalid model: forest.trees.${t}${problem}`, { file });
    });
  }
  return model as unknown as ModelArtifact;
}

const isInt = (v: unknown): v is number => Number.isInteger(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * The first problem of one serialized tree (`.left.17: ...`), or undefined. Inner nodes point to
 * two children that come after them (train writes them so, right = left + 1), which makes every
 * path from the root finite; leaves have feature -1 and a probability in 0..1.
 */
function treeProblem(tree: Record<string, unknown>, featureCount: number): string | undefined {
  const feature = tree.feature;
  if (!Array.isArray(feature) || feature.length === 0) return ".feature: must be a non-empty list";
  const n = feature.length;
  for (const key of TREE_ARRAYS) {
    const list = tree[key];
    if (!Array.isArray(list) || list.length !== n)
      return `.${key}: must be a list of ${n} numbers, as feature`;
  }
  const t = tree as unknown as SerializedTree;
  for (let i = 0; i < n; i++) {
    const f = t.feature[i];
    if (!isInt(f) || f < -1 || f >= featureCount)
      return `.feature.${i}: must be -1 (leaf) or a feature index 0..${featureCount - 1}, got ${f}`;
    const probability = t.probability[i];
    if (!isFiniteNumber(probability) || probability < 0 || probability > 1)
      return `.probability.${i}: must be in 0..1, got ${probability}`;
    if (!isFiniteNumber(t.cover[i]) || t.cover[i] < 0) return `.cover.${i}: must be >= 0, got ${t.cover[i]}`;
    if (f < 0) continue;
    if (!isFiniteNumber(t.threshold[i]))
      return `.threshold.${i}: must be a finite number, got ${t.threshold[i]}`;
    const left = t.left[i];
    if (!isInt(left) || left <= i || left >= n - 1)
      return `.left.${i}: must be the index of a later node (${i + 1}..${n - 2}), got ${left}`;
    if (t.right[i] !== left + 1) return `.right.${i}: must be left + 1 = ${left + 1}, got ${t.right[i]}`;
  }
  return undefined;
}
