import { InputError, LimitExceededError } from "../errors.ts";
import { DEFAULT_MEMORY_LIMIT_GB } from "../limits.ts";
import { interpolationStencil, locatePoint, meshSurfaceAt } from "./locate.ts";
import { checkSemMemory } from "./memory.ts";
import { buildMesh, type Mesh, type MeshLayer, minGllDistance } from "./mesh.ts";
import type { Scenario } from "./scenario.ts";
import { buildSolverData, type SolverData, type SolverKernel } from "./solver-data.ts";
import { buildSourceTerms } from "./sources.ts";
import { stepRunner } from "./threads.ts";

/**
 * Largest Courant number vp·dt / (smallest GLL spacing) accepted. Measured on this solver with
 * square elements, NGLL 4 to 8: stable at 0.6, divergent at 0.65 (test/unit/sem/stability.test.ts).
 * SPECFEM2D's guideline "below about 0.5" is inside it. Elongated elements are only safer,
 * since the smallest spacing then overstates the stiffness of the other direction.
 */
export const COURANT_LIMIT = 0.6;
/** Fewer GLL points than this per shortest S wavelength (at 2.5 × f0) triggers a warning. */
export const POINTS_PER_WAVELENGTH_WARNING = 5;

export interface ReceiverSpec {
  name: string;
  x: number;
  z: number;
  /** true for the receivers of `surface_receivers` (the PGA profile). */
  surfaceProfile: boolean;
}

export interface PreparedSimulation {
  mesh: Mesh;
  data: SolverData;
  dt: number;
  nsteps: number;
  receivers: ReceiverSpec[];
  courant: number;
  /** The largest dt the scheme accepts on this mesh (s). */
  dtLimit: number;
  /** Minimum GLL points per S wavelength at 2.5 × f0. */
  pointsPerWavelength: number;
  warnings: string[];
}

export function meshLayers(scenario: Scenario): MeshLayer[] {
  return scenario.layers.map((layer, i) => ({
    bottom: i === scenario.layers.length - 1 ? scenario.domain.zmin : (layer.bottom_z as number),
    vp: layer.vp,
    vs: layer.vs,
    rho: layer.rho,
    elementHeight: layer.element_size_m ?? scenario.mesh.element_size_m,
  }));
}

function receiverList(scenario: Scenario, mesh: Mesh): ReceiverSpec[] {
  const receivers: ReceiverSpec[] = scenario.receivers.map((r) => ({
    name: r.name,
    x: r.x,
    z: r.z === "surface" ? meshSurfaceAt(mesh, r.x) : r.z,
    surfaceProfile: false,
  }));
  const spacing = scenario.surface_receivers?.spacing_m;
  if (spacing !== undefined) {
    const { xmin, xmax } = scenario.domain;
    const count = Math.floor((xmax - xmin) / spacing + 1e-9) + 1;
    const digits = String(count - 1).length;
    for (let k = 0; k < count; k++) {
      const x = xmin + k * spacing;
      receivers.push({
        name: `surf_${String(k).padStart(digits, "0")}`,
        x,
        z: meshSurfaceAt(mesh, x),
        surfaceProfile: true,
      });
    }
  }
  return receivers;
}

/** Builds mesh, time step, source and receivers for a scenario whose topography is a profile (or flat). */
export function prepareSimulation(
  scenario: Scenario,
  surface: { x: ArrayLike<number>; z: ArrayLike<number> } | null,
  file = "scenario",
  { checkStability = true, memoryLimitGb = DEFAULT_MEMORY_LIMIT_GB, kernel = "single" as SolverKernel } = {},
): PreparedSimulation {
  try {
    // Before any array is allocated: a domain of 10^9 m or a duration of 10^9 s stops here.
    checkSemMemory(scenario, surface, memoryLimitGb, file);
    return prepare(scenario, surface, file, checkStability, kernel);
  } catch (error) {
    // Mesh and location problems come from the scenario: name its file.
    if (error instanceof InputError && !error.file)
      throw new InputError(error.message, { file, cause: error });
    if (error instanceof LimitExceededError && !error.file)
      throw new LimitExceededError(error.message, { file, cause: error });
    // Under a raised limit the machine may still refuse the arrays: say so, not with a stack trace.
    if (
      error instanceof RangeError &&
      /allocation failed|could not allocate|invalid (typed )?array length/i.test(error.message)
    )
      throw new LimitExceededError(
        `the machine could not allocate the simulation's arrays (${error.message}); use larger elements, a shorter duration or fewer receivers`,
        { file, cause: error },
      );
    throw error;
  }
}

function prepare(
  scenario: Scenario,
  surface: { x: ArrayLike<number>; z: ArrayLike<number> } | null,
  file: string,
  checkStability: boolean,
  kernel: SolverKernel,
): PreparedSimulation {
  const layers = meshLayers(scenario);
  const elementWidth = Math.min(scenario.mesh.element_size_m, ...layers.map((layer) => layer.elementHeight));
  const { xmin, xmax, zmin } = scenario.domain;
  const mesh = buildMesh({
    xmin,
    xmax,
    zmin,
    surface: surface ?? { x: [xmin, xmax], z: [0, 0] },
    layers,
    elementWidth,
    ngll: scenario.mesh.ngll,
  });
  let spacingOverVp = Number.POSITIVE_INFINITY;
  let pointsPerWavelength = Number.POSITIVE_INFINITY;
  const fmax = 2.5 * scenario.source.stf.f0_hz;
  for (let e = 0; e < mesh.nspec; e++) {
    const spacing = minGllDistance(mesh, e);
    spacingOverVp = Math.min(spacingOverVp, spacing / mesh.vp[e]);
    const meanSpacing = Math.max(mesh.columnX[1] - mesh.columnX[0], elementHeight(mesh, e)) / (mesh.ngll - 1);
    pointsPerWavelength = Math.min(pointsPerWavelength, mesh.vs[e] / fmax / meanSpacing);
  }
  const dtLimit = COURANT_LIMIT * spacingOverVp;
  const dt = scenario.time.dt_s ?? scenario.time.cfl * spacingOverVp;
  if (checkStability && dt > dtLimit * (1 + 1e-9)) {
    const asked =
      scenario.time.dt_s === undefined
        ? `time.cfl = ${scenario.time.cfl} gives dt = ${dt.toPrecision(4)} s, which`
        : `time.dt_s = ${dt} s`;
    throw new InputError(
      `${asked} is above the stability limit ${dtLimit.toPrecision(4)} s of this mesh (Courant number ${(dt / spacingOverVp).toFixed(3)} > ${COURANT_LIMIT}); use a smaller time step`,
      { file },
    );
  }
  const nsteps = Math.round(scenario.time.duration_s / dt);
  const warnings: string[] = [];
  if (pointsPerWavelength < POINTS_PER_WAVELENGTH_WARNING) {
    warnings.push(
      `only ${pointsPerWavelength.toFixed(2)} GLL points per shortest S wavelength at ${fmax} Hz (2.5 × f0); about ${POINTS_PER_WAVELENGTH_WARNING} are needed for accurate waveforms: use smaller elements`,
    );
  }
  const receivers = receiverList(scenario, mesh);
  const stencils = receivers.map((r) =>
    interpolationStencil(mesh, locatePoint(mesh, r.x, r.z, `receiver ${r.name}`)),
  );
  const sources = buildSourceTerms(mesh, scenario.source, dt, nsteps);
  const data = buildSolverData(mesh, {
    dt,
    nsteps,
    absorbing: scenario.absorbing,
    sources,
    receivers: stencils,
    kernel,
  });
  return {
    mesh,
    data,
    dt,
    nsteps,
    receivers,
    courant: dt / spacingOverVp,
    dtLimit,
    pointsPerWavelength,
    warnings,
  };
}

function elementHeight(mesh: Mesh, e: number): number {
  const c = Math.floor(e / mesh.nzElem);
  const r = e - c * mesh.nzElem;
  const z = (cc: number, rr: number) => mesh.cornerZ[cc * (mesh.nzElem + 1) + rr];
  return Math.max(z(c, r + 1) - z(c, r), z(c + 1, r + 1) - z(c + 1, r));
}

export interface SimulateOptions {
  threads?: number;
  onProgress?: (fraction: number, message?: string) => void;
  /** Steps after which to call `onPause` (with the state of that step), e.g. for snapshots. */
  pauseAfter?: number[];
  onPause?: (step: number) => Promise<void>;
}

/** Runs the time loop; the seismograms are then in `prepared.data.records`. Throws if the run diverges. */
export async function simulate(prepared: PreparedSimulation, options: SimulateOptions = {}): Promise<void> {
  const { data, nsteps, dt } = prepared;
  const started = Date.now();
  const progressEvery = Math.max(1, Math.floor(nsteps / 100));
  const report = (step: number) => {
    const done = (step + 1) / nsteps;
    const elapsed = (Date.now() - started) / 1000;
    const eta = elapsed / done - elapsed;
    options.onProgress?.(
      done,
      `step ${step + 1}/${nsteps}, t = ${((step + 1) * dt).toFixed(3)} s, ETA ${eta.toFixed(0)} s`,
    );
  };
  const pauses = [...new Set(options.pauseAfter ?? [])]
    .filter((step) => step >= 0 && step < nsteps)
    .sort((a, b) => a - b);
  const runner = stepRunner(data, options.threads ?? 1, report, progressEvery);
  try {
    let from = 0;
    for (const stop of new Set([...pauses, nsteps - 1])) {
      await runner.run({ from, to: stop + 1 });
      from = stop + 1;
      if (pauses.includes(stop)) await options.onPause?.(stop);
    }
  } finally {
    await runner.close();
  }
  for (let k = 0; k < data.records.length; k++) {
    if (!Number.isFinite(data.records[k]))
      throw new Error("the simulation diverged (non-finite displacement)");
  }
}
