import { z } from "zod";
import { memoryLimitSchema } from "../limits.ts";

/** Options of runSem (the CLI verb `sem`, the `sem` Batch container and the state machines). */
export const semOptionsSchema = z.object({
  /** Path of the scenario JSON (see scenario.ts); a DEM it names is read relative to it. */
  model: z.string().min(1),
  outDir: z.string().min(1),
  /** Worker threads sharing the mesh (default every core); seismograms are identical for any count. */
  threads: z.number().int().min(1).max(256).optional(),
  /**
   * Arithmetic of the time loop: single (Float32, as SPECFEM2D; the default and about twice as
   * fast) or double (Float64). Both run the same WebAssembly SIMD kernels (docs/sem.md, "Speed").
   */
  precision: z.enum(["single", "double"]).default("single"),
  /** Critical accelerations (g) for the Newmark displacements in peaks.json. */
  ac: z.array(z.number().min(0)).default([]),
  /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
  /**
   * The scenario's `topography.dem` must name a file in the scenario's own folder: set by the
   * Batch job, whose scenario comes from S3 and whose inputs are staged side by side, so that
   * a scenario cannot make the job open any file of the machine. The CLI leaves it off.
   */
  demBesideScenario: z.boolean().default(false),
});

export type SemOptions = z.input<typeof semOptionsSchema>;
