import { InputError } from "../errors.ts";
import type { SpatialCvRecord, TrainingRecord } from "../ml/model.ts";
import { readTextFile } from "../util/text-file.ts";
import { checkPemlArtifact } from "./artifact-check.ts";
import type { FeatureEncoding, PemlModel } from "./model.ts";
import { type Bound, type Prior, SOIL_PARAMETERS, type SoilParameter } from "./physics.ts";

export const PEML_FORMAT = "quakeslide-peml-model";
export const PEML_VERSION = 1;

/** model.json of `peml train`: the network, the physics constants, the priors and what it was trained on. */
export interface PemlArtifact {
  format: typeof PEML_FORMAT;
  version: typeof PEML_VERSION;
  /** Network inputs in order (slope is not one of them: it enters the physics). */
  features: FeatureEncoding[];
  /** Name of the slope column / band (degrees). */
  slope: string;
  network: {
    activation: "tanh";
    /** Layer k: weights row-major inputs x outputs; the last layer's outputs are SOIL_PARAMETERS in order. */
    layers: { inputs: number; outputs: number; weights: number[]; bias: number[] }[];
  };
  physics: {
    outputs: typeof SOIL_PARAMETERS;
    bounds: Record<SoilParameter, Bound>;
    unitWeight: number;
    waterUnitWeight: number;
    linkScale: number;
    seismic?: { scale: number; criticalDisplacementCm: number };
  };
  priors: Record<SoilParameter, Prior>;
  settings: {
    hidden: number[];
    epochs: number;
    learningRate: number;
    batchSize: number;
    priorWeight: number;
    weightSd: number;
    prevalence?: number;
  };
  seed: number;
  training: TrainingRecord & { pga?: string; finalLoss: { logLoss: number; prior: number; total: number } };
  cv?: SpatialCvRecord;
}

export function serializeModel(model: PemlModel): Pick<PemlArtifact, "features" | "network"> & {
  physics: PemlArtifact["physics"];
} {
  return {
    features: model.features,
    network: {
      activation: "tanh",
      layers: model.layers.map((layer) => ({
        inputs: layer.inputs,
        outputs: layer.outputs,
        weights: Array.from(layer.weights),
        bias: Array.from(layer.bias),
      })),
    },
    physics: {
      outputs: SOIL_PARAMETERS,
      bounds: model.bounds,
      unitWeight: model.unitWeight,
      waterUnitWeight: model.waterUnitWeight,
      linkScale: model.linkScale,
      ...(model.seismic ? { seismic: model.seismic } : {}),
    },
  };
}

export function modelFromArtifact(artifact: PemlArtifact): PemlModel {
  return {
    features: artifact.features,
    layers: artifact.network.layers.map((layer) => ({
      inputs: layer.inputs,
      outputs: layer.outputs,
      weights: Float64Array.from(layer.weights),
      bias: Float64Array.from(layer.bias),
    })),
    bounds: artifact.physics.bounds,
    unitWeight: artifact.physics.unitWeight,
    waterUnitWeight: artifact.physics.waterUnitWeight,
    linkScale: artifact.physics.linkScale,
    seismic: artifact.physics.seismic,
  };
}

/** Reads and checks a model written by `peml train` (artifact-check.ts); a susceptibility model or a newer version is refused by name. */
export function readPemlModel(file: string): { artifact: PemlArtifact; model: PemlModel } {
  const text = readTextFile(file, "a model.json");
  let value: { format?: unknown; version?: unknown } | null;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`not valid JSON: ${(error as Error).message}`, { file, cause: error });
  }
  if (value?.format !== PEML_FORMAT)
    throw new InputError(
      `not a physics-embedded model (format is ${JSON.stringify(value?.format ?? null)}, expected "${PEML_FORMAT}")`,
      { file },
    );
  if (value.version !== PEML_VERSION)
    throw new InputError(
      `model format version ${String(value.version)} is not supported (this build reads version ${PEML_VERSION})`,
      { file },
    );
  const artifact = checkPemlArtifact(value, file);
  return { artifact, model: modelFromArtifact(artifact) };
}
