import { z } from "zod";
import { memoryLimitSchema } from "../limits.ts";
import { forestHyperSchema, inventorySourceSchema } from "../ml/schema.ts";

const priorSchema = z.object({ mean: z.number(), sd: z.number().gt(0) });

/** The labelled points of the physics-embedded model: an inventory plus the slope and, optionally, the event's PGA. */
export const pemlInventorySchema = inventorySourceSchema.extend({
  /** Column (or band) holding the slope angle in degrees; it feeds the physics, not the network. */
  slope: z.string().min(1).default("slope"),
  /** Features that are class codes (lithology, land cover): one-hot encoded. */
  classes: z.array(z.string().min(1)).default([]),
  /** GeoTIFF of the triggering event's PGA (g), sampled at the points: adds the Newmark term. */
  pga: z.string().min(1).optional(),
});

export const pemlSettingsSchema = z.object({
  /** Units per hidden layer (tanh); [] or [0] = soil parameters constant over the area (biases only). */
  hidden: z
    .array(z.int().min(0).max(256))
    .max(4)
    .refine((units) => units.length === 1 || !units.includes(0), "0 stands alone: it means no hidden layer")
    .transform((units) => (units[0] === 0 ? [] : units))
    .default([16]),
  epochs: z.int().min(1).max(100_000).default(300),
  learningRate: z.number().gt(0).max(1).default(0.05),
  /** Rows per Adam step; 0 = all rows (full batch). */
  batchSize: z.int().min(0).default(0),
  /** Weight of the Gaussian priors relative to the mean log-loss. */
  priorWeight: z.number().min(0).default(0.01),
  /** sd of the Gaussian prior on the network weights (smaller = smoother soil maps). */
  weightSd: z.number().gt(0).default(0.5),
  /** Overrides of the default priors (physics.ts DEFAULT_PRIORS), physical units. */
  priors: z
    .object({
      cohesion: priorSchema.optional(),
      friction: priorSchema.optional(),
      saturation: priorSchema.optional(),
      thickness: priorSchema.optional(),
    })
    .default({}),
  /** Soil unit weight γ (kN/m³); must exceed the water's. */
  unitWeight: z.number().gt(0).default(18),
  waterUnitWeight: z.number().gt(0).default(9.81),
  /** D_c (cm): Newmark displacement at which the seismic failure probability is one half. */
  criticalDisplacementCm: z.number().gt(0).default(5),
  /** Landslide share of the population sampled by the inventory (case-control correction). */
  prevalence: z.number().gt(0).lt(1).optional(),
  seed: z.int().default(1),
});

export const pemlCvOptionsSchema = pemlInventorySchema.extend({
  ...pemlSettingsSchema.shape,
  partition: z.enum(["spatial", "random"]).default("spatial"),
  folds: z.int().min(2).default(5),
  repeats: z.int().min(1).default(1),
  /** The random forest scored beside the model on the same folds. */
  forest: forestHyperSchema.default(forestHyperSchema.parse({})),
  outDir: z.string().min(1).optional(),
  /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
});

export const pemlTrainOptionsSchema = pemlInventorySchema.extend({
  ...pemlSettingsSchema.shape,
  /** Spatial 5-fold CV repetitions whose AUROC is stored in the model (0 skips). */
  cvRepeats: z.int().min(0).default(1),
  cvFolds: z.int().min(2).default(5),
  outDir: z.string().min(1),
  /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
});

export const pemlPredictOptionsSchema = z.object({
  model: z.string().min(1),
  covariates: z.string().min(1),
  /** Event PGA (g) on the covariate grid; with a model trained with PGA, P(f) includes the Newmark term. */
  pga: z.string().min(1).optional(),
  outDir: z.string().min(1),
  /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
});

export const pemlEvaluateOptionsSchema = z.object({
  model: z.string().min(1),
  /** Inventory of a later event: the model's label, x, y (and feature) columns. */
  inventory: z.string().min(1),
  /** Label column when it differs from the training inventory's. */
  label: z.string().min(1).optional(),
  covariates: z.string().min(1).optional(),
  pga: z.string().min(1).optional(),
  /** Share of the cells (or points) with the highest P(f) in which landslides count as hits. */
  topShare: z.number().gt(0).lt(1).default(0.1),
  outDir: z.string().min(1).optional(),
  /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
});

export const pemlExplainOptionsSchema = z.object({
  model: z.string().min(1),
  /** Points to explain; or `cells`. */
  inventory: z.string().min(1).optional(),
  /** Explain this many cells of `covariates`, drawn at random (seeded), instead of inventory points. */
  cells: z.int().min(1).max(1_000_000).optional(),
  covariates: z.string().min(1).optional(),
  pga: z.string().min(1).optional(),
  /** Background rows (drawn from the explained points) of the interventional expectation. */
  background: z.int().min(1).max(1000).default(100),
  seed: z.int().default(1),
  outDir: z.string().min(1),
  /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
});

export type PemlInventory = z.output<typeof pemlInventorySchema>;
export type PemlSettings = z.output<typeof pemlSettingsSchema>;
export type PemlCvOptions = z.input<typeof pemlCvOptionsSchema>;
export type PemlTrainOptions = z.input<typeof pemlTrainOptionsSchema>;
export type PemlPredictOptions = z.input<typeof pemlPredictOptionsSchema>;
export type PemlEvaluateOptions = z.input<typeof pemlEvaluateOptionsSchema>;
export type PemlExplainOptions = z.input<typeof pemlExplainOptionsSchema>;
