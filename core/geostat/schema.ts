import { z } from "zod";
import { memoryLimitSchema } from "../limits.ts";

/**
 * Options of the kriging step (`quakeslide krige`, the geostat Lambda): local paths in, files out
 * in `outDir`. Distances are in the units of the sample coordinates (metres for a projected CRS).
 */
export const krigeOptionsSchema = z.object({
  /** CSV of samples with a header line. */
  samples: z.string().min(1),
  x: z.string().min(1).default("x"),
  y: z.string().min(1).default("y"),
  value: z.string().min(1),
  /** Krige ln(value) and back-transform with the lognormal correction. */
  log: z.boolean().default(false),
  /** A GeoTIFF template (predict on its cells) or a CSV of points (columns named as x, y). */
  grid: z.string().min(1),
  /** auto | sph | exp | gau | mat(kappa=k) | a fixed model such as sph(nugget=0.05,psill=0.59,range=897) */
  variogram: z.string().min(1).default("auto"),
  method: z.enum(["ordinary", "simple", "universal", "regression"]).default("ordinary"),
  /** Trend covariates for universal/regression kriging: GeoTIFFs on the template grid, or CSV column names with --grid points.csv. */
  covariates: z.array(z.string().min(1)).default([]),
  /** Known mean for simple kriging; default the sample mean. */
  mean: z.number().optional(),
  /** Local kriging with the nmax nearest samples; omitted: global (every sample). */
  nmax: z.number().int().min(1).optional(),
  /** Search radius for local kriging. */
  maxDistance: z.number().positive().optional(),
  cutoff: z.number().positive().optional(),
  width: z.number().positive().optional(),
  /** Extra directional variograms (degrees clockwise from north) written to variogram.csv. */
  directions: z.array(z.number()).optional(),
  /** Also write the variogram cloud (every pair within the cutoff) to variogram_cloud.csv. */
  cloud: z.boolean().default(false),
  duplicates: z.enum(["error", "average"]).default("error"),
  /** "loo" (leave-one-out), "none", or k for k-fold. */
  cv: z.union([z.literal("loo"), z.literal("none"), z.number().int().min(2)]).default("loo"),
  seed: z.number().int().default(1),
  threads: z.number().int().min(1).optional(),
  outDir: z.string().min(1),
  /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
});

export type KrigeOptions = z.output<typeof krigeOptionsSchema>;
export type KrigeInput = z.input<typeof krigeOptionsSchema>;
