import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseOptionsWith } from "../options.ts";
import { defaultThreads } from "../util/workers.ts";
import { writeSurfacePgaPng } from "./profile-plot.ts";
import { readScenario, type Scenario } from "./scenario.ts";
import { type SemOptions, semOptionsSchema } from "./schema.ts";
import { receiverPeaks, writeSeismogramsCsv } from "./seismograms.ts";
import { prepareSimulation, simulate } from "./simulation.ts";
import { snapshotName, writeSnapshotPng } from "./snapshots.ts";
import { resolveSurface } from "./topography.ts";

/** Snapshot times (s) asked by a scenario: every `every_s` up to the duration. */
function snapshotTimes(scenario: Scenario): number[] {
  const every = scenario.output.snapshots?.every_s;
  if (every === undefined) return [];
  const count = Math.floor(scenario.time.duration_s / every + 1e-9);
  return Array.from({ length: count }, (_, m) => (m + 1) * every);
}

/** Every file runSem may write for a scenario (the CLI's atomic-output guard). */
export function semOutputNames(scenario: Scenario): string[] {
  return ["seismograms.csv", "peaks.json", "surface_pga.png", ...snapshotTimes(scenario).map(snapshotName)];
}

export interface SemSummary {
  name: string;
  elements: number;
  ngll: number;
  nsteps: number;
  dt_s: number;
  dt_limit_s: number;
  courant: number;
  points_per_s_wavelength: number;
  threads: number;
  precision: "single" | "double";
  wall_s: number;
  element_steps_per_s: number;
  receivers: number;
  outputs: string[];
  warnings: string[];
}

/**
 * The `sem` step: reads the scenario (and its DEM), meshes, runs the 2D P-SV spectral-element
 * simulation, and writes seismograms.csv, peaks.json and (with surface_receivers) surface_pga.png
 * into outDir. Returns a small JSON summary.
 */
export async function runSem(
  options: SemOptions,
  hooks: { onProgress?: (fraction: number, message?: string) => void } = {},
): Promise<SemSummary> {
  const parsed = parseOptionsWith(semOptionsSchema, options, "sem options");
  const { model, outDir, ac, demBesideScenario, precision } = parsed;
  const threads = parsed.threads ?? defaultThreads();
  const scenario = readScenario(model);
  const surface = await resolveSurface(scenario, model, { demBesideScenario });
  const prepared = prepareSimulation(scenario, surface, model, {
    memoryLimitGb: parsed.memoryLimitGb,
    kernel: precision,
  });
  for (const warning of prepared.warnings) hooks.onProgress?.(0, `warning: ${warning}`);
  const outputs = ["seismograms.csv", "peaks.json"];
  const snapshots = new Map(
    snapshotTimes(scenario).map((time) => [
      Math.min(Math.round(time / prepared.dt), prepared.nsteps - 1),
      time,
    ]),
  );
  let snapshotSeconds = 0;
  const started = performance.now();
  await simulate(prepared, {
    threads,
    onProgress: hooks.onProgress,
    pauseAfter: [...snapshots.keys()],
    onPause: async (step) => {
      const snapshotStarted = performance.now();
      const name = snapshotName(snapshots.get(step) as number);
      await writeSnapshotPng(
        join(outDir, name),
        prepared.mesh,
        prepared.data,
        step * prepared.dt,
        scenario.name,
      );
      outputs.push(name);
      snapshotSeconds += (performance.now() - snapshotStarted) / 1000;
    },
  });
  const wall = (performance.now() - started) / 1000 - snapshotSeconds;

  writeSeismogramsCsv(join(outDir, "seismograms.csv"), prepared, scenario.output.quantities);
  const peaks = receiverPeaks(prepared, ac);
  const peaksDocument = {
    scenario: scenario.name,
    dt_s: prepared.dt,
    nsteps: prepared.nsteps,
    units: { pga: "m/s2 and g", pgv: "m/s", pgd: "m", arias: "m/s", d5_95: "s", newmark: "cm" },
    receivers: peaks,
  };
  writeFileSync(join(outDir, "peaks.json"), `${JSON.stringify(peaksDocument, null, 1)}\n`);
  const profile = peaks.filter((_, r) => prepared.receivers[r].surfaceProfile);
  if (profile.length > 1) {
    const { mesh } = prepared;
    const surfaceZ = Float64Array.from(
      mesh.columnX,
      (_, c) => mesh.cornerZ[c * (mesh.nzElem + 1) + mesh.nzElem],
    );
    await writeSurfacePgaPng(
      join(outDir, "surface_pga.png"),
      {
        x: profile.map((p) => p.x_m),
        pgaX: profile.map((p) => p.x.pga_g),
        pgaZ: profile.map((p) => p.z.pga_g),
      },
      { x: mesh.columnX, z: surfaceZ },
      scenario.source.type === "finite"
        ? { x: scenario.source.start[0], z: scenario.source.start[1] }
        : scenario.source,
      scenario.name,
    );
    outputs.push("surface_pga.png");
  }
  return {
    name: scenario.name,
    elements: prepared.mesh.nspec,
    ngll: prepared.mesh.ngll,
    nsteps: prepared.nsteps,
    dt_s: prepared.dt,
    dt_limit_s: prepared.dtLimit,
    courant: prepared.courant,
    points_per_s_wavelength: prepared.pointsPerWavelength,
    threads,
    precision,
    wall_s: wall,
    element_steps_per_s: (prepared.mesh.nspec * prepared.nsteps) / wall,
    receivers: prepared.receivers.length,
    outputs,
    warnings: prepared.warnings,
  };
}
