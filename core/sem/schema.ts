import { z } from "zod";

/** Options of runSem (the CLI verb `sem`, the `sem` Batch container and the state machines). */
export const semOptionsSchema = z.object({
  /** Path of the scenario JSON (see scenario.ts); a DEM it names is read relative to it. */
  model: z.string().min(1),
  outDir: z.string().min(1),
  /** Worker threads sharing the mesh; seismograms are identical for any count. */
  threads: z.number().int().min(1).max(256).default(1),
  /**
   * Arithmetic of the time loop: single (Float32, as SPECFEM2D; the default and about twice as
   * fast) or double (Float64). Both run the same WebAssembly SIMD kernels (docs/sem.md, "Speed").
   */
  precision: z.enum(["single", "double"]).default("single"),
  /** Critical accelerations (g) for the Newmark displacements in peaks.json. */
  ac: z.array(z.number().min(0)).default([]),
});

export type SemOptions = z.input<typeof semOptionsSchema>;
