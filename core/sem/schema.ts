import { z } from "zod";
import { memoryLimitSchema } from "../limits.ts";

/** Options of runSem (the CLI verb `sem`, the `sem` Batch container and the state machines). */
export const semOptionsSchema = z.object({
  /** Path of the scenario JSON (see scenario.ts); a DEM it names is read relative to it. */
  model: z.string().min(1),
  outDir: z.string().min(1),
  /** Worker threads sharing the mesh (default every core); seismograms are identical for any count. */
  threads: z.number().int().min(1).max(256).optional(),
  /** Critical accelerations (g) for the Newmark displacements in peaks.json. */
  ac: z.array(z.number().min(0)).default([]),
  /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
});

export type SemOptions = z.input<typeof semOptionsSchema>;
