import { z } from "zod";
import { memoryLimitSchema } from "../limits.ts";
import { DEFAULT_MATRIX, DEFAULT_PF_BREAKS, DEFAULT_SUSCEPTIBILITY_BREAKS } from "./classes.ts";

const breaks = z
  .array(z.number().min(0).max(1))
  .length(3)
  .refine((b) => b[0] < b[1] && b[1] < b[2], "the three breaks must increase");

/**
 * Options of the hazard step (`quakeslide hazard`, the hazard Lambda, the `Hazard` state of
 * hazard-pipeline and event-update): P(f) x susceptibility through a class matrix (classes.ts).
 */
export const hazardOptionsSchema = z.object({
  /** Probability of failure raster (Newmark, newmark-map's pf.tif). */
  pf: z.string().min(1),
  /** Susceptibility raster in [0, 1] (susceptibility predict's susceptibility.tif), on the P(f) grid. */
  susceptibility: z.string().min(1),
  /** Optional exposure raster on the same grid (people, buildings, value per cell): summed per class. */
  exposure: z.string().min(1).optional(),
  /** What the exposure counts, for the table's column ("population", "buildings", ...). */
  exposureName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/)
    .default("exposure"),
  /** P(f) at the class breaks low|moderate|high|very high (default: P(f) of D_N = 1, 5, 15 cm). */
  pfBreaks: breaks.default([...DEFAULT_PF_BREAKS]),
  susceptibilityBreaks: breaks.default([...DEFAULT_SUSCEPTIBILITY_BREAKS]),
  /** 4 x 4 hazard classes 1..4; rows P(f) class, columns susceptibility class. */
  matrix: z.array(z.array(z.int())).default(DEFAULT_MATRIX.map((row) => [...row])),
  outDir: z.string().min(1),
  /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
});

export type HazardOptions = z.input<typeof hazardOptionsSchema>;

export const HAZARD_OUTPUTS = [
  "hazard_class.tif",
  "hazard_class.png",
  "hazard_classes.csv",
  "summary.json",
] as const;
