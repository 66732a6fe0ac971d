import { z } from "zod";
import { InputError } from "../errors.ts";
import { trainingRecordShape } from "../ml/model-check.ts";
import { describeIssues } from "../options.ts";
import type { PemlArtifact } from "./artifact.ts";
import { encodedWidth } from "./model.ts";
import { SOIL_PARAMETERS } from "./physics.ts";

/**
 * What predict, evaluate and explain rely on in a peml model.json, checked when it is loaded: a
 * tampered or corrupt file is refused with the field named, instead of giving NaN maps (a
 * non-positive sd, a missing weight) or parameters outside their physics (bounds outside c' >= 0,
 * 0 <= phi' < 90, 0 <= m <= 1, t > 0; gamma not above gamma_w). Informational fields are kept.
 */
const name = z.string().min(1);
const bound = (lowest: number, highest: number, lowerOpen = false) =>
  z
    .object({ lower: z.number(), upper: z.number() })
    .refine(
      (b) => b.lower < b.upper && (lowerOpen ? b.lower > lowest : b.lower >= lowest) && b.upper <= highest,
      `must satisfy ${lowest} ${lowerOpen ? "<" : "<="} lower < upper <= ${highest}`,
    );
const prior = z.object({ mean: z.number(), sd: z.number().gt(0) });
const feature = z.discriminatedUnion("kind", [
  z.looseObject({ name, kind: z.literal("numeric"), mean: z.number(), sd: z.number().gt(0) }),
  z.looseObject({ name, kind: z.literal("class"), levels: z.array(z.number()).min(1) }),
]);
const layer = z.looseObject({
  inputs: z.int().min(0),
  outputs: z.int().min(1),
  weights: z.array(z.number()),
  bias: z.array(z.number()),
});
const artifactShape = z.looseObject({
  features: z
    .array(feature)
    .refine((list) => new Set(list.map((f) => f.name)).size === list.length, "feature names must be unique"),
  slope: name,
  network: z.looseObject({ layers: z.array(layer).min(1) }),
  physics: z.looseObject({
    bounds: z.object({
      cohesion: bound(0, Number.MAX_VALUE),
      friction: bound(0, 89.9),
      saturation: bound(0, 1),
      thickness: bound(0, Number.MAX_VALUE, true),
    }),
    unitWeight: z.number().gt(0),
    waterUnitWeight: z.number().gt(0),
    linkScale: z.number().gt(0),
    seismic: z.looseObject({ scale: z.number().gt(0), criticalDisplacementCm: z.number().gt(0) }).optional(),
  }),
  priors: z.object({ cohesion: prior, friction: prior, saturation: prior, thickness: prior }),
  training: trainingRecordShape,
});

/** Checks a parsed peml model.json; returns it typed, or throws an InputError naming the field. */
export function checkPemlArtifact(value: unknown, file: string): PemlArtifact {
  const result = artifactShape.safeParse(value);
  if (!result.success)
    throw new InputError(`invalid model: ${describeIssues(result.error, value)}`, { file });
  const artifact = result.data as unknown as PemlArtifact;
  const { layers } = artifact.network;
  let inputs = encodedWidth(artifact.features);
  for (const [k, l] of layers.entries()) {
    const problem =
      l.inputs !== inputs
        ? `has ${l.inputs} inputs; the ${k === 0 ? "encoded covariates" : "previous layer"} give ${inputs}`
        : l.weights.length !== l.inputs * l.outputs
          ? `has ${l.weights.length} weights; ${l.inputs} x ${l.outputs} are needed`
          : l.bias.length !== l.outputs
            ? `has ${l.bias.length} biases for ${l.outputs} outputs`
            : undefined;
    if (problem) throw new InputError(`invalid model: network.layers.${k} ${problem}`, { file });
    inputs = l.outputs;
  }
  if (inputs !== SOIL_PARAMETERS.length)
    throw new InputError(
      `invalid model: the last layer has ${inputs} outputs; the soil parameters are ${SOIL_PARAMETERS.length}`,
      { file },
    );
  if (!(artifact.physics.unitWeight > artifact.physics.waterUnitWeight))
    throw new InputError("invalid model: physics.unitWeight must exceed physics.waterUnitWeight", { file });
  return artifact;
}
