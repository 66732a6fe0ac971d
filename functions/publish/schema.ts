import { z } from "zod";
import { productSchema } from "../shared/machines.ts";

const stepResult = z
  .object({
    step: z.string(),
    runPrefix: z.string(),
    manifest: z.string(),
    outputs: z.record(z.string(), z.string()),
    summary: z.unknown(),
    reused: z.boolean(),
    seconds: z.number().optional(),
  })
  .passthrough();

/** What the state machines hand the publisher: the (defaulted) machine input with the steps' results. */
export const publishRequestSchema = z.object({
  flow: z.enum(["hazard-pipeline", "event-update"]),
  execution: z.string().min(1),
  input: z
    .object({
      dem: z.string(),
      krige: z.object({ samples: z.string(), target: z.string(), params: z.record(z.string(), z.unknown()) }),
      stability: z.object({
        inputs: z.record(z.string(), z.unknown()),
        params: z.record(z.string(), z.unknown()),
      }),
      groundMotion: z
        .object({
          inputs: z.record(z.string(), z.unknown()),
          params: z.record(z.string(), z.unknown()).default({}),
        })
        .optional(),
      newmark: z.object({
        inputs: z.record(z.string(), z.unknown()),
        params: z.record(z.string(), z.unknown()),
      }),
      susceptibility: z.object({
        inputs: z.record(z.string(), z.unknown()),
        params: z.record(z.string(), z.unknown()).default({}),
      }),
      hazard: z.object({
        inputs: z.record(z.string(), z.unknown()),
        params: z.record(z.string(), z.unknown()),
      }),
      product: productSchema,
      results: z.object({
        terrain: stepResult,
        krige: stepResult,
        groundMotion: z.union([stepResult, z.object({ skipped: z.literal(true) })]),
        susceptibility: z.object({ model: stepResult.optional(), map: stepResult }),
        stability: stepResult,
        newmark: stepResult,
        hazard: stepResult,
      }),
    })
    .passthrough(),
});

export type PublishRequest = z.output<typeof publishRequestSchema> & {
  input: { results: import("./products.ts").HazardResults };
};
