import { z } from "zod";
import { s3UriSchema } from "./event.ts";

/**
 * The inputs of the state machines (see infra/pipeline/*.ts), for whoever starts them:
 * the CLI, the local runtime, a notebook. Each step's own options are checked by its handler with
 * the step's schema; these check the shape the machine's JSONPaths rely on, so that a typo fails
 * before an execution starts rather than as a States.Runtime error half-way through.
 */

const stepInputsSchema = z.record(z.string(), z.union([s3UriSchema, z.array(s3UriSchema).min(1)]));
const stepPartSchema = z.object({
  inputs: stepInputsSchema.default({}),
  params: z.record(z.string(), z.unknown()).default({}),
});

/** A data source the report credits: the bundled data's README entry, or the user's own. */
const sourceSchema = z.object({
  name: z.string().min(1).max(200),
  description: z.string().max(2000).default(""),
  licence: z.string().max(200).optional(),
});

/**
 * Where a run's products are published (results bucket) and how the report names them. The
 * prefix defaults to `hazard/<hash of the run>/`; event-update publishes under
 * `events/<id>/v<version>/` and moves `latest` forward.
 */
export const productSchema = z.object({
  prefix: z
    .string()
    .regex(
      /^(hazard|events)\/[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*\/$/,
      "hazard/... or events/.../ (letters, digits, -, _)",
    )
    .optional(),
  latest: z
    .object({ key: z.string().regex(/^events\/[A-Za-z0-9_-]+\/latest\.json$/), version: z.int().min(1) })
    .optional(),
  title: z.string().max(200).optional(),
  sources: z.array(sourceSchema).default([]),
});

const hazardPipelineFields = {
  /** DEM GeoTIFF: terrain runs on it, and kriging and ground motion predict on its grid. */
  dem: s3UriSchema,
  krige: z.object({
    samples: s3UriSchema,
    /** The stability option the kriged raster becomes (its variance drives stability's uncertainty). */
    target: z.enum(["cohesion", "frictionAngle", "unitWeight", "thickness", "saturation"]),
    params: z.record(z.string(), z.unknown()),
  }),
  /**
   * Soil rasters (inputs) and constants (params); `slope`, the kriged target and its `variance`
   * are added, and `uncertainty` defaults to { parameter: <krige.target> } (FOSM).
   */
  stability: stepPartSchema,
  /** An event (`inputs.event`, event.json) or a ShakeMap (`inputs.shakemap`), `vs30` (m/s or raster). */
  groundMotion: stepPartSchema.optional(),
  /**
   * With groundMotion: regression params (`model`, default saygili-rathje2008 on PGA and PGV);
   * without: `record` or `pga`/`pgv`/`arias` rasters with their params. `ac` is added.
   */
  newmark: stepPartSchema.default({ inputs: {}, params: {} }),
  /** `covariates` and either `model` (model.json) or `inventory` (trained here, params: label, features...). */
  susceptibility: stepPartSchema,
  /** Optional `exposure` raster (inputs) and the class breaks and matrix (params). */
  hazard: stepPartSchema.default({ inputs: {}, params: {} }),
  product: productSchema.default({ sources: [] }),
};

function checkSusceptibility(
  input: { susceptibility: { inputs: Record<string, unknown> } },
  context: z.core.$RefinementCtx,
): void {
  const inputs = input.susceptibility.inputs;
  if (!("covariates" in inputs))
    context.addIssue({
      code: "custom",
      path: ["susceptibility", "inputs", "covariates"],
      message: "required",
    });
  if ("model" in inputs === "inventory" in inputs)
    context.addIssue({
      code: "custom",
      path: ["susceptibility", "inputs"],
      message: "give either `model` (a trained model.json) or `inventory` (train here), not both or neither",
    });
}

export const hazardPipelineInputSchema = z.object(hazardPipelineFields).superRefine(checkSusceptibility);

/** event-update: the hazard pipeline of an area with the event's ground motion, published per version. */
export const eventUpdateInputSchema = z
  .object({
    ...hazardPipelineFields,
    groundMotion: stepPartSchema,
    product: productSchema.required({ prefix: true, latest: true }),
  })
  .superRefine(checkSusceptibility);

/**
 * `areas/<area>.json` in the data bucket: what an event for that area runs, i.e. a hazard-pipeline
 * input without ground motion; `vs30` (m/s, or a raster URI) is handed to the ground-motion step.
 */
export const areaConfigSchema = z.object({
  name: z.string().min(1).max(200),
  vs30: z.union([z.number().min(150).max(1500), s3UriSchema]).default(760),
  pipeline: z
    .object({
      ...hazardPipelineFields,
      product: productSchema.omit({ prefix: true, latest: true }).default({ sources: [] }),
    })
    .omit({ groundMotion: true })
    .superRefine(checkSusceptibility),
});

/** One job of a campaign: a scenario on a profile (see core/campaign/plan.ts). */
export const campaignItemSchema = z.object({
  /** Letters, digits, `-`, `_`: it becomes part of S3 keys, the Batch job name and a tag. */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** `profile`: the profile file (surface and cells) the job runs on. */
  inputs: stepInputsSchema,
  /** The job's own `campaign-sem` options (`scenario`, `job`), merged over `job.params`. */
  params: z.record(z.string(), z.unknown()).default({}),
});

export const campaignInputSchema = z.object({
  campaignId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** Key in the data bucket of a JSON array of the jobs to run now (campaignItemSchema). */
  itemsKey: z.string().startsWith("campaigns/"),
  /** The campaign index (all jobs, scenarios, profiles) that the aggregation reads. */
  index: s3UriSchema,
  /** `campaign-sem` options every job shares (`sem`, `studyAc`, `seismograms`). */
  job: z.object({ params: z.record(z.string(), z.unknown()).default({}) }),
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
export type EventUpdateInput = z.input<typeof eventUpdateInputSchema>;
export type AreaConfig = z.input<typeof areaConfigSchema>;
export type CampaignInput = z.input<typeof campaignInputSchema>;
export type CampaignItem = z.input<typeof campaignItemSchema>;
export type RetrainInput = z.input<typeof retrainInputSchema>;

/**
 * The input schema of each flow, by the flow's name (the state machine's name without the
 * `<stage>-quakeslide-` prefix). `quakeslide start`, the client and the local API check an input
 * with it before an execution starts; a new flow adds its entry here.
 */
export const FLOW_INPUT_SCHEMAS = {
  "hazard-pipeline": hazardPipelineInputSchema,
  "event-update": eventUpdateInputSchema,
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
