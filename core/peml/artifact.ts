import { readFileSync } from "node:fs";
import { InputError } from "../errors.ts";
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
  training: {
    inventory: string;
    sha256: string;
    rows: number;
    landslides: number;
    label: string;
    x: string;
    y: string;
    covariates?: string;
    epsg?: number;
    pga?: string;
    finalLoss: { logLoss: number; prior: number; total: number };
  };
  cv?: { partition: "spatial"; folds: number; repeats: number; aurocMean: number; aurocSd: number };
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

/** Reads and checks a model written by `peml train`; a susceptibility model or a newer version is refused by name. */
export function readPemlModel(file: string): { artifact: PemlArtifact; model: PemlModel } {
  let artifact: PemlArtifact;
  try {
    artifact = JSON.parse(readFileSync(file, "utf8")) as PemlArtifact;
  } catch (error) {
    throw new InputError(`cannot read the model: ${(error as Error).message}`, { file, cause: error });
  }
  if (artifact?.format !== PEML_FORMAT)
    throw new InputError(
      `not a physics-embedded model (format is "${String(artifact?.format)}", expected "${PEML_FORMAT}")`,
      { file },
    );
  if (artifact.version !== PEML_VERSION)
    throw new InputError(
      `model format version ${artifact.version} is not supported (this build reads version ${PEML_VERSION})`,
      { file },
    );
  const layers = artifact.network?.layers;
  const consistent =
    Array.isArray(layers) &&
    layers.length > 0 &&
    layers.every(
      (l, k) =>
        l.weights.length === l.inputs * l.outputs &&
        l.bias.length === l.outputs &&
        (k === 0 || layers[k - 1].outputs === l.inputs),
    ) &&
    layers[layers.length - 1].outputs === SOIL_PARAMETERS.length;
  if (!consistent) throw new InputError("the model's network layers are inconsistent or missing", { file });
  return { artifact, model: modelFromArtifact(artifact) };
}
