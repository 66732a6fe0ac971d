import { checkMemory } from "../limits.ts";
import { gllBasis } from "./gll.ts";
import type { Scenario } from "./scenario.ts";

/** What a scenario will allocate, from its numbers alone (before the mesh is built). */
export interface SemSize {
  elements: number;
  points: number;
  steps: number;
  receivers: number;
  sources: number;
  bytes: number;
}

/**
 * Bytes per global GLL point: coordinates (2), mass, damping (2), inverse masses (2) and the six
 * fields u, v, a in x and z, Float64 each.
 */
const BYTES_PER_POINT = 13 * 8;
/** Per GLL point of an element: inverse-map derivatives and Jacobian, in the mesh and in the solver's shared copy. */
const BYTES_PER_ELEMENT_POINT = 5 * 8 * 2;
/** Per element: Lamé parameters, density, velocities, layer, shape flag. */
const BYTES_PER_ELEMENT = 7 * 8;
/** Per receiver, besides its seismograms: interpolation stencil, slots and bookkeeping (ngll² points). */
const BYTES_PER_RECEIVER = 4000;
/** Per receiver and time step: six recorded channels, Float64. */
const BYTES_PER_RECEIVER_STEP = 6 * 8;

/**
 * The size of a scenario's simulation, as prepareSimulation will build it: element columns of at
 * most the smallest element size, rows per layer from its thickness under the highest surface
 * point, the time step from the CFL number and the smallest GLL spacing (topography can make it a
 * little smaller, so the step count is a lower bound), receivers and the finite source's points.
 */
export function semSize(scenario: Scenario, surface: { z: ArrayLike<number> } | null): SemSize {
  const { xmin, xmax, zmin } = scenario.domain;
  const ngll = scenario.mesh.ngll;
  const sizes = scenario.layers.map((layer) => layer.element_size_m ?? scenario.mesh.element_size_m);
  const elementWidth = Math.min(scenario.mesh.element_size_m, ...sizes);
  const columns = Math.max(1, Math.ceil((xmax - xmin) / elementWidth - 1e-9));
  let top = surface && surface.z.length > 0 ? Number.NEGATIVE_INFINITY : 0;
  for (let k = 0; k < (surface?.z.length ?? 0); k++)
    top = Math.max(top, (surface as { z: ArrayLike<number> }).z[k]);
  let rows = 0;
  scenario.layers.forEach((layer, i) => {
    const bottom = i === scenario.layers.length - 1 ? zmin : (layer.bottom_z as number);
    rows += Math.max(1, Math.ceil((top - bottom) / sizes[i] - 1e-9));
    top = bottom;
  });
  const elements = columns * rows;
  const points = (columns * (ngll - 1) + 1) * (rows * (ngll - 1) + 1);
  const gll = gllBasis(ngll).points;
  const smallestSpacing = (Math.min(elementWidth, ...sizes) * (gll[1] - gll[0])) / 2;
  const fastest = Math.max(...scenario.layers.map((layer) => layer.vp));
  const dt = scenario.time.dt_s ?? (scenario.time.cfl * smallestSpacing) / fastest;
  const steps = Math.round(scenario.time.duration_s / dt);
  const spacing = scenario.surface_receivers?.spacing_m;
  const receivers =
    scenario.receivers.length + (spacing === undefined ? 0 : Math.floor((xmax - xmin) / spacing + 1e-9) + 1);
  const source = scenario.source;
  const sources =
    source.type === "finite"
      ? Math.ceil(
          Math.hypot(source.end[0] - source.start[0], source.end[1] - source.start[1]) / (elementWidth / 2),
        )
      : 1;
  const bytes =
    points * BYTES_PER_POINT +
    elements * (ngll * ngll * BYTES_PER_ELEMENT_POINT + BYTES_PER_ELEMENT) +
    receivers * (BYTES_PER_RECEIVER + steps * BYTES_PER_RECEIVER_STEP) +
    sources * steps * 8;
  return { elements, points, steps, receivers, sources, bytes };
}

/** Refuses a scenario whose simulation would pass the memory limit, naming what makes it large. */
export function checkSemMemory(
  scenario: Scenario,
  surface: { z: ArrayLike<number> } | null,
  limitGb: number,
  file: string,
): void {
  const size = semSize(scenario, surface);
  const count = (n: number) => (n < 1e6 ? String(n) : n.toExponential(1));
  checkMemory(
    size.bytes,
    limitGb,
    `the simulation (${count(size.elements)} elements, ${count(size.steps)} time steps, ${count(size.receivers)} receivers)`,
    file,
  );
}
