import { z } from "zod";
import { memoryLimitSchema } from "../limits.ts";

/** Where the labelled points come from: a CSV with feature columns, or a CSV of points sampled on a covariate raster. */
export const inventorySourceSchema = z.object({
  /** CSV with a header line. */
  inventory: z.string().min(1),
  /** Column holding 1/0 or TRUE/FALSE (landslide or not). */
  label: z.string().min(1),
  /** Feature columns; with `covariates`, band names of that raster (default: every band). */
  features: z.array(z.string().min(1)).min(1).optional(),
  x: z.string().min(1).default("x"),
  y: z.string().min(1).default("y"),
  /** Optional covariate GeoTIFF: features are sampled from its bands at (x, y). */
  covariates: z.string().min(1).optional(),
});

export const forestHyperSchema = z.object({
  trees: z.int().min(1).max(10_000).default(100),
  /** Features tried per split; default floor(sqrt(number of features)). */
  mtry: z.int().min(1).optional(),
  /** Minimum (bootstrap-weighted) rows in a leaf. */
  minNodeSize: z.int().min(1).default(1),
  /** Rows drawn per tree as a fraction of the training rows. */
  sampleFraction: z.number().gt(0).max(1).default(1),
  /** Bootstrap (with replacement) or subsample without replacement. */
  replace: z.boolean().default(true),
});

const learnerSchema = z.enum(["rf", "glm"]).default("rf");
const threadsSchema = z.int().min(1).max(256).optional();

export const tuningSchema = z.object({
  /** Random-search evaluations per outer fold. */
  evaluations: z.int().min(1).default(50),
  /** Inner spatial folds. */
  innerFolds: z.int().min(2).default(5),
});

export const susceptibilityCvOptionsSchema = inventorySourceSchema.extend({
  learner: learnerSchema,
  partition: z.enum(["spatial", "random"]).default("spatial"),
  folds: z.int().min(2).default(5),
  repeats: z.int().min(1).default(1),
  seed: z.int().default(1),
  forest: forestHyperSchema.default(forestHyperSchema.parse({})),
  /** Nested CV with random search over mtry, min node size and sample fraction (rf only). */
  tune: tuningSchema.optional(),
  /** When given, cv.json and folds.csv are written here. */
  outDir: z.string().min(1).optional(),
  /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
});

export const susceptibilityTrainOptionsSchema = inventorySourceSchema.extend({
  learner: learnerSchema,
  seed: z.int().default(1),
  forest: forestHyperSchema.default(forestHyperSchema.parse({})),
  /** Spatial CV repetitions whose metrics are stored in the model (0 skips CV). */
  cvRepeats: z.int().min(0).default(1),
  cvFolds: z.int().min(2).default(5),
  /** Random search over mtry, min node size and sample fraction by inner spatial CV on all points, then the final fit with the best values (rf only). */
  tune: tuningSchema.optional(),
  threads: threadsSchema,
  outDir: z.string().min(1),
  /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
});

export const susceptibilityPredictOptionsSchema = z.object({
  model: z.string().min(1),
  covariates: z.string().min(1),
  threads: threadsSchema,
  outDir: z.string().min(1),
  /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
});

export const susceptibilityExplainOptionsSchema = z.object({
  model: z.string().min(1),
  /** Points to explain; the columns the model was trained with (or --covariates sampling) are reused. */
  inventory: z.string().min(1),
  covariates: z.string().min(1).optional(),
  /** Permutation repetitions per feature. */
  repeats: z.int().min(1).default(10),
  seed: z.int().default(1),
  outDir: z.string().min(1),
  /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
});

export const susceptibilityEvaluateOptionsSchema = z.object({
  model: z.string().min(1),
  inventory: z.string().min(1),
  covariates: z.string().min(1).optional(),
  /** Probability at or above which a point is called a landslide. */
  threshold: z.number().min(0).max(1).default(0.5),
  outDir: z.string().min(1).optional(),
  /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
});

export type InventorySource = z.infer<typeof inventorySourceSchema>;
export type SusceptibilityCvOptions = z.input<typeof susceptibilityCvOptionsSchema>;
export type SusceptibilityTrainOptions = z.input<typeof susceptibilityTrainOptionsSchema>;
export type SusceptibilityPredictOptions = z.input<typeof susceptibilityPredictOptionsSchema>;
export type SusceptibilityExplainOptions = z.input<typeof susceptibilityExplainOptionsSchema>;
export type SusceptibilityEvaluateOptions = z.input<typeof susceptibilityEvaluateOptionsSchema>;
