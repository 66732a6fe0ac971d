import { z } from "zod";
import { s3UriSchema } from "./event.ts";

/**
 * The inputs of the three state machines (see infra/pipeline/*.ts), for whoever starts them:
 * the CLI, the local runtime, a notebook. Each step's own options are checked by its handler with
 * the step's schema; these check the shape the machine's JSONPaths rely on, so that a typo fails
 * before an execution starts rather than as a States.Runtime error half-way through.
 */

const stepInputsSchema = z.record(z.string(), z.union([s3UriSchema, z.array(s3UriSchema).min(1)]));
const stepPartSchema = z.object({
  inputs: stepInputsSchema.default({}),
  params: z.record(z.string(), z.unknown()).default({}),
});

export const hazardPipelineInputSchema = z.object({
  /** DEM GeoTIFF: terrain runs on it, and kriging predicts on its grid. */
  dem: s3UriSchema,
  krige: z.object({
    samples: s3UriSchema,
    /** The stability option the kriged raster becomes. */
    target: z.enum(["cohesion", "frictionAngle", "unitWeight", "thickness", "saturation"]),
    params: z.record(z.string(), z.unknown()),
  }),
  /** Soil rasters (inputs) and constants (params); `slope` and the kriged target are added. */
  stability: stepPartSchema,
  /** `record` or `pga`/`pgv`/`arias` rasters, with the model params; `ac` is added. */
  newmark: stepPartSchema,
  /** `model` (model.json) and `covariates`. */
  susceptibility: stepPartSchema,
});

export const campaignScenarioSchema = z.object({
  /** Letters, digits, `-`, `_`: it becomes part of S3 keys and a Batch job tag. */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** `model` (scenario JSON) and the DEM it names (same file name). */
  inputs: stepInputsSchema,
  params: z.record(z.string(), z.unknown()).default({}),
});

export const campaignInputSchema = z.object({
  campaignId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** Key in the data bucket of a JSON array of scenarios (campaignScenarioSchema). */
  scenariosKey: z.string().startsWith("campaigns/"),
  /** sem step params shared by every scenario (e.g. `ac`, g), overridden by a scenario's own. */
  sem: z.object({ params: z.record(z.string(), z.unknown()).default({}) }),
});

export const retrainInputSchema = z.object({
  inventory: s3UriSchema,
  /** Bytes of the inventory: above batchThresholdBytes, training runs on Batch. */
  size: z.number().int().min(0),
  covariates: s3UriSchema,
  batchThresholdBytes: z.number().int().min(0),
  train: z.object({ params: z.record(z.string(), z.unknown()) }),
  predict: z.object({ params: z.record(z.string(), z.unknown()) }),
});

export type HazardPipelineInput = z.input<typeof hazardPipelineInputSchema>;
export type CampaignInput = z.input<typeof campaignInputSchema>;
export type CampaignScenario = z.input<typeof campaignScenarioSchema>;
export type RetrainInput = z.input<typeof retrainInputSchema>;

/**
 * The input schema of each flow, by the flow's name (the state machine's name without the
 * `<stage>-quakeslide-` prefix). `quakeslide start`, the client and the local API check an input
 * with it before an execution starts; a new flow adds its entry here.
 */
export const FLOW_INPUT_SCHEMAS = {
  "hazard-pipeline": hazardPipelineInputSchema,
  campaign: campaignInputSchema,
  retrain: retrainInputSchema,
} as const satisfies Record<string, z.ZodType>;

export type FlowName = keyof typeof FLOW_INPUT_SCHEMAS;

/**
 * Why `input` is not a valid input of the state machine named `stateMachineName` (the flow's
 * name, or `<stage>-quakeslide-<flow>`), on one line naming the flow and the first bad field;
 * undefined when it is valid or the flow has no entry in FLOW_INPUT_SCHEMAS.
 */
export function flowInputProblem(stateMachineName: string, input: unknown): string | undefined {
  const flow = (Object.keys(FLOW_INPUT_SCHEMAS) as FlowName[]).find(
    (name) => stateMachineName === name || stateMachineName.endsWith(`-quakeslide-${name}`),
  );
  if (flow === undefined) return undefined;
  const parsed = FLOW_INPUT_SCHEMAS[flow].safeParse(input);
  if (parsed.success) return undefined;
  const [first, ...others] = parsed.error.issues;
  const field = first.path.length > 0 ? `field ${first.path.join(".")}` : "(the whole input)";
  const more = others.length > 0 ? ` (and ${others.length} more problem${others.length > 1 ? "s" : ""})` : "";
  const message = first.message.replace(
    /^Invalid input: expected (.+), received undefined$/,
    "missing ($1 expected)",
  );
  return `flow ${flow}: input ${field}: ${message}${more}`;
}
