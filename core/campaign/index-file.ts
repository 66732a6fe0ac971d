import { z } from "zod";
import type { Grid } from "../raster/types.ts";

/**
 * The campaign index: everything the aggregation needs, written by `quakeslide campaign` next to
 * the job list. Profile files and job results are named by URI; a job's result is the record its
 * Batch job writes (a StepResult: `outputs` maps dn_cm_bin and receivers_json to their URIs).
 */
const scenarioSchema = z.object({
  id: z.string(),
  label: z.string(),
  mw: z.number(),
  distance_m: z.number(),
  depth_m: z.number(),
  length_m: z.number(),
  rupture_duration_s: z.number(),
  dip_deg: z.number(),
  weight: z.number().positive(),
  annual_rate: z.number().nullable(),
  length_factor: z.number(),
  duration_factor: z.number(),
});

export const campaignIndexSchema = z.object({
  kind: z.literal("quakeslide-campaign-index"),
  campaign: z.string(),
  grid: z.object({
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    transform: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]),
    crs: z.object({ epsg: z.number().int().optional(), geographic: z.boolean(), wkt: z.string().optional() }),
  }),
  maxDistanceM: z.number().positive(),
  thresholdsCm: z.array(z.number().positive()).min(1),
  landslideDnCm: z.number().positive(),
  extremes: z.number().int().min(0),
  studyAc: z.array(z.number().min(0)).min(1),
  dnFloorCm: z.number().positive(),
  profiles: z.array(z.object({ name: z.string(), uri: z.string() })).min(1),
  scenarios: z.array(scenarioSchema).min(1),
  jobs: z
    .array(z.object({ id: z.string(), scenario: z.string(), profile: z.string(), result: z.string() }))
    .min(1),
});

export type CampaignIndex = z.infer<typeof campaignIndexSchema>;
export type IndexScenario = z.infer<typeof scenarioSchema>;

export function gridOf(index: CampaignIndex): Grid {
  return { ...index.grid, transform: [...index.grid.transform] };
}
