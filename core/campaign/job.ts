import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { memoryLimitSchema } from "../limits.ts";
import { parseScenario } from "../sem/scenario.ts";
import { receiverPeaks, trace, writeSeismogramsCsv } from "../sem/seismograms.ts";
import { type PreparedSimulation, prepareSimulation, simulate } from "../sem/simulation.ts";
import { G_CM_S2 } from "../stability/newmark.ts";
import { decodeArrays, encodeArrays } from "./arrays-file.ts";
import { bandDisplacements, type SurfaceMotion } from "./coupling.ts";
import { decodeProfileFile } from "./profile-file.ts";
import { buildSemScenario, jobScenarioSchema, semSettingsSchema } from "./sem-model.ts";

/**
 * Options of the `campaign-sem` step: one SEM simulation of one scenario along one profile,
 * then the Newmark coupling of every cell near the profile. It runs in the `sem` Batch
 * container (QUAKESLIDE_STEP=campaign-sem), next to the seismograms it needs.
 */
export const campaignSemOptionsSchema = z.object({
  /** The profile file (profile-file.ts): surface elevations and the cells near the profile. */
  profile: z.string().min(1),
  outDir: z.string().min(1),
  threads: z.number().int().min(1).max(256).default(1),
  sem: semSettingsSchema,
  scenario: jobScenarioSchema,
  /** Job id: the SEM scenario's name. */
  job: z.string().min(1),
  /** Critical accelerations (g) of the study's reference blocks. */
  studyAc: z.array(z.number().min(0)).min(1).default([0.05]),
  seismograms: z.boolean().default(false),
  /** Refuse a simulation estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
});

export type CampaignSemOptions = z.input<typeof campaignSemOptionsSchema>;

export const CAMPAIGN_SEM_OUTPUTS = ["dn_cm.bin", "receivers.json", "scenario.json"] as const;

export interface CampaignSemSummary {
  job: string;
  scenario: string;
  profile: string;
  elements: number;
  threads: number;
  nsteps: number;
  dt_s: number;
  wall_s: number;
  element_steps_per_s: number;
  newmark_s: number;
  cells: number;
  max_dn_cm: number | null;
  warnings: string[];
}

/** What receivers.json holds per receiver (the study's data points). */
export interface JobReceiver {
  name: string;
  along_m: number;
  x: { pga_g: number; arias_m_s: number; d5_95_s: number; pgv_m_s: number };
  z: { pga_g: number; arias_m_s: number; d5_95_s: number };
  /** Rigid block under the horizontal motion at each study a_c, both polarities (cm). */
  newmark: { ac_g: number; normal_cm: number; inverse_cm: number }[];
}

const G_M_S2 = G_CM_S2 / 100;

/**
 * Threads pay off only when each has enough elements per step to outweigh the two barriers of
 * every step: below this many elements per thread, fewer threads are used. A 384-element job
 * took 1.2 s on one thread and 2.9 s on two (shared 2-core machine), so campaign meshes of a few
 * hundred elements run on one.
 */
export const MIN_ELEMENTS_PER_THREAD = 2000;

/**
 * The `campaign-sem` step: builds the SEM scenario from the campaign's settings, the scenario and
 * the profile's surface; simulates; writes scenario.json (what ran, rerunnable with `quakeslide
 * sem`), receivers.json (PGA, Arias, D5-95 and the study's D_N per surface receiver) and
 * dn_cm.bin (D_N of every cell of the profile's band, in the band's order).
 */
export async function runCampaignSem(
  options: CampaignSemOptions,
  hooks: { onProgress?: (fraction: number, message?: string) => void } = {},
): Promise<CampaignSemSummary> {
  const parsed = campaignSemOptionsSchema.parse(options);
  const profile = decodeProfileFile(readFileSync(parsed.profile), parsed.profile);
  const { scenario: model, profileStartX } = buildSemScenario(
    parsed.sem,
    parsed.scenario,
    profile.surface,
    parsed.job,
  );
  const scenario = parseScenario(model, `${parsed.job} (built from ${parsed.profile})`);
  writeFileSync(join(parsed.outDir, "scenario.json"), `${JSON.stringify(model)}\n`);
  const prepared = prepareSimulation(
    scenario,
    scenario.topography as { x: number[]; z: number[] },
    parsed.job,
    {
      memoryLimitGb: parsed.memoryLimitGb,
    },
  );
  for (const warning of prepared.warnings) hooks.onProgress?.(0, `warning: ${warning}`);
  const threads = Math.max(
    1,
    Math.min(parsed.threads, Math.floor(prepared.mesh.nspec / MIN_ELEMENTS_PER_THREAD)),
  );
  const started = performance.now();
  await simulate(prepared, { threads, onProgress: hooks.onProgress });
  const wall = (performance.now() - started) / 1000;

  const motion: SurfaceMotion = {
    along: Float64Array.from(prepared.receivers, (r) => r.x - profileStartX),
    ax: prepared.receivers.map((_, r) => trace(prepared, r, "acceleration", 0).map((a) => a / G_M_S2)),
    az: prepared.receivers.map((_, r) => trace(prepared, r, "acceleration", 1).map((a) => a / G_M_S2)),
    dt: prepared.dt,
  };
  const newmarkStarted = performance.now();
  const dn = bandDisplacements(profile.band, motion);
  const newmarkSeconds = (performance.now() - newmarkStarted) / 1000;
  writeFileSync(
    join(parsed.outDir, "dn_cm.bin"),
    encodeArrays({ job: parsed.job, profile: profile.name }, { dn_cm: dn }),
  );
  writeReceivers(join(parsed.outDir, "receivers.json"), prepared, motion.along, {
    job: parsed.job,
    scenario: parsed.scenario.id,
    profile: profile.name,
    studyAc: parsed.studyAc,
  });
  if (parsed.seismograms)
    writeSeismogramsCsv(join(parsed.outDir, "seismograms.csv"), prepared, ["acceleration"]);
  let maxDn: number | null = null;
  for (const value of dn) maxDn = maxDn === null ? value : Math.max(maxDn, value);
  return {
    job: parsed.job,
    scenario: parsed.scenario.id,
    profile: profile.name,
    elements: prepared.mesh.nspec,
    threads,
    nsteps: prepared.nsteps,
    dt_s: prepared.dt,
    wall_s: wall,
    element_steps_per_s: (prepared.mesh.nspec * prepared.nsteps) / wall,
    newmark_s: newmarkSeconds,
    cells: dn.length,
    max_dn_cm: maxDn,
    warnings: prepared.warnings,
  };
}

/** receivers.json: per surface receiver its position along the profile, peaks and the study's D_N. */
function writeReceivers(
  path: string,
  prepared: PreparedSimulation,
  along: Float64Array,
  job: { job: string; scenario: string; profile: string; studyAc: number[] },
): void {
  const receivers: JobReceiver[] = receiverPeaks(prepared, job.studyAc).map((peaks, r) => ({
    name: peaks.name,
    along_m: along[r],
    x: {
      pga_g: peaks.x.pga_g,
      arias_m_s: peaks.x.arias_m_s,
      d5_95_s: peaks.x.d5_95_s,
      pgv_m_s: peaks.x.pgv_m_s,
    },
    z: { pga_g: peaks.z.pga_g, arias_m_s: peaks.z.arias_m_s, d5_95_s: peaks.z.d5_95_s },
    newmark: peaks.newmark ?? [],
  }));
  const { job: id, scenario, profile } = job;
  writeFileSync(path, `${JSON.stringify({ job: id, scenario, profile, dt_s: prepared.dt, receivers })}\n`);
}

/** D_N per band cell of a job's dn_cm.bin. */
export function decodeJobDisplacements(bytes: Uint8Array, file: string): Float32Array {
  return decodeArrays<unknown>(bytes, file).arrays.dn_cm as Float32Array;
}
