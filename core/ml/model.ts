import { InputError } from "../errors.ts";
import { readTextFile } from "../util/text-file.ts";
import type { FittedModel, ForestHyper, LearnerKind } from "./learner.ts";
import { checkModel } from "./model-check.ts";
import type { Tree } from "./tree.ts";

export const MODEL_FORMAT = "quakeslide-susceptibility-model";
export const MODEL_VERSION = 1;

export interface SerializedTree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  probability: number[];
  cover: number[];
}

/** What a model was trained on, recorded in its model.json (random forest, GLM and PEML alike). */
export interface TrainingRecord {
  inventory: string;
  sha256: string;
  rows: number;
  landslides: number;
  label: string;
  x: string;
  y: string;
  covariates?: string;
  epsg?: number;
}

/** The spatial cross-validation a model was scored by before it was trained on all points. */
export interface SpatialCvRecord {
  partition: "spatial";
  folds: number;
  repeats: number;
  aurocMean: number;
  aurocSd: number;
}

export function spatialCvRecord(
  folds: number,
  repeats: number,
  auroc: { mean: number; sd: number },
): SpatialCvRecord {
  return { partition: "spatial", folds, repeats, aurocMean: auroc.mean, aurocSd: auroc.sd };
}

/** The saved model: everything needed to reuse it and to tell what it was trained on. */
export interface ModelArtifact {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  learner: LearnerKind;
  features: string[];
  hyper: ForestHyper & { mtry: number };
  seed: number;
  training: TrainingRecord;
  cv?: SpatialCvRecord;
  /** `train --tune`: random search by inner spatial CV on all the training points. */
  tuning?: {
    method: "random-search";
    searchSpace: {
      mtry: { lower: number; upper: number };
      minNodeSize: { lower: number; upper: number };
      sampleFraction: { lower: number; upper: number };
    };
    evaluations: number;
    innerFolds: number;
    /** The values the stored model was fitted with. */
    chosen: { mtry: number; minNodeSize: number; sampleFraction: number };
    /** Mean inner-fold AUROC of the chosen values (null if no inner fold could be scored); optimistic, as it picked them. */
    innerAuroc: number | null;
    /** Every draw in order with its mean inner AUROC. */
    candidates: { mtry: number; minNodeSize: number; sampleFraction: number; innerAuroc: number | null }[];
  };
  /** Out-of-bag AUROC and misclassification rate at p >= 0.5 (random forest). */
  outOfBag?: { auroc: number; errorRate: number };
  glm?: { coefficients: number[] };
  forest?: { trees: SerializedTree[] };
}

export function serializeFitted(model: FittedModel): Pick<ModelArtifact, "glm" | "forest"> {
  if (model.kind === "glm") return { glm: { coefficients: model.glm.coefficients } };
  return {
    forest: {
      trees: model.forest.trees.map((tree) => ({
        feature: Array.from(tree.feature),
        threshold: Array.from(tree.threshold),
        left: Array.from(tree.left),
        right: Array.from(tree.right),
        probability: Array.from(tree.probability),
        cover: Array.from(tree.cover),
      })),
    },
  };
}

export function fittedFromArtifact(artifact: ModelArtifact): FittedModel {
  if (artifact.learner === "glm") {
    return {
      kind: "glm",
      glm: { coefficients: artifact.glm?.coefficients ?? [], iterations: 0, converged: true },
    };
  }
  const trees: Tree[] = (artifact.forest?.trees ?? []).map((t) => ({
    feature: Int32Array.from(t.feature),
    threshold: Float64Array.from(t.threshold),
    left: Int32Array.from(t.left),
    right: Int32Array.from(t.right),
    probability: Float64Array.from(t.probability),
    cover: Float64Array.from(t.cover),
  }));
  return { kind: "rf", forest: { featureCount: artifact.features.length, trees } };
}

/** Reads and checks a model file written by `susceptibility train` (see model-check.ts). */
export function readModel(file: string): ModelArtifact {
  const text = readTextFile(file, "a model.json");
  let value: { format?: unknown; version?: unknown } | null;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`not valid JSON: ${(error as Error).message}`, { file, cause: error });
  }
  if (value?.format !== MODEL_FORMAT)
    throw new InputError(`not a susceptibility model (format is not "${MODEL_FORMAT}")`, { file });
  if (value.version !== MODEL_VERSION) {
    throw new InputError(
      `model format version ${String(value.version)} is not supported (this build reads version ${MODEL_VERSION})`,
      { file },
    );
  }
  return checkModel(value, file);
}
