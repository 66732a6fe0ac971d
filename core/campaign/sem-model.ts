import { z } from "zod";
import { InputError } from "../errors.ts";
import type { Scenario } from "../sem/scenario.ts";
import type { CampaignScenario } from "./scenarios.ts";
import type { CampaignSpec } from "./spec.ts";

/**
 * The SEM settings every job of a campaign shares, resolved from the spec once (layer interfaces
 * as elevations below the campaign's datum, the source's corner frequency). A job combines them
 * with its scenario and its profile's surface into a SEM scenario (buildSemScenario), so that the
 * items of the Distributed Map stay small whatever the profile's length.
 */
export const semSettingsSchema = z.object({
  layers: z
    .array(
      z.object({
        bottom_z: z.number().optional(),
        vp: z.number().positive(),
        vs: z.number().positive(),
        rho: z.number().positive(),
        element_size_m: z.number().positive().optional(),
      }),
    )
    .min(1),
  element_size_m: z.number().positive(),
  ngll: z.number().int().min(4).max(8),
  padding_m: z.number().positive(),
  f0_hz: z.number().positive(),
  cfl: z.number().positive(),
  duration_s: z.number().positive().optional(),
  receiver_spacing_m: z.number().positive(),
});

export type SemSettings = z.infer<typeof semSettingsSchema>;

/** The scenario parameters a job needs (a CampaignScenario without the bookkeeping). */
export const jobScenarioSchema = z.object({
  id: z.string().min(1),
  mw: z.number(),
  distance_m: z.number().min(0),
  depth_m: z.number().positive(),
  length_m: z.number().positive(),
  rupture_duration_s: z.number().positive(),
  dip_deg: z.number().min(0).max(90),
});

export type JobScenario = z.infer<typeof jobScenarioSchema>;

export function jobScenarioOf(scenario: CampaignScenario): JobScenario {
  const { id, mw, distance_m, depth_m, length_m, rupture_duration_s, dip_deg } = scenario;
  return { id, mw, distance_m, depth_m, length_m, rupture_duration_s, dip_deg };
}

/** The free surface along a profile: x from 0 (its source end) to its length, z elevation (m). */
export interface ProfileSurface {
  x: ArrayLike<number>;
  z: ArrayLike<number>;
}

/**
 * Settings from the spec. Layer interfaces are horizontal at `datum` − the cumulative
 * thicknesses, with `datum` the lowest surface point of all profiles, so that every interface
 * lies under the surface everywhere. The corner frequency defaults to the highest one the mesh
 * resolves with 5 GLL points per S wavelength at 2.5 f0 (the SEM's own resolution check):
 * f0 = min over layers of vs (ngll − 1) / (12.5 h).
 */
export function semSettings(spec: CampaignSpec, datum: number, demCellSize: number): SemSettings {
  let bottom = datum;
  const last = spec.velocity_model.layers.length - 1;
  const layers = spec.velocity_model.layers.map((layer, i) => {
    bottom -= layer.thickness_m ?? 0;
    return {
      ...(i < last ? { bottom_z: round(bottom, 3) } : {}),
      vp: layer.vp,
      vs: layer.vs,
      rho: layer.rho,
      ...(layer.element_size_m !== undefined ? { element_size_m: layer.element_size_m } : {}),
    };
  });
  const ngll = spec.mesh.ngll;
  const resolvable = Math.min(
    ...layers.map(
      (layer) => (layer.vs * (ngll - 1)) / (12.5 * (layer.element_size_m ?? spec.mesh.element_size_m)),
    ),
  );
  return {
    layers,
    element_size_m: spec.mesh.element_size_m,
    ngll,
    padding_m: spec.domain.padding_m ?? 3 * spec.mesh.element_size_m,
    f0_hz: spec.source.f0_hz ?? Number(resolvable.toPrecision(3)),
    cfl: spec.time.cfl,
    ...(spec.time.duration_s !== undefined ? { duration_s: spec.time.duration_s } : {}),
    receiver_spacing_m: spec.receivers.spacing_m ?? demCellSize,
  };
}

/** vs (m/s) of the layer at `depth` metres below the datum. */
export function vsBelowDatum(settings: SemSettings, datum: number, depth: number): number {
  const z = datum - depth;
  const layer = settings.layers.find((l) => l.bottom_z === undefined || z > l.bottom_z);
  return (layer ?? settings.layers[settings.layers.length - 1]).vs;
}

export interface SemModel {
  scenario: Scenario;
  /** x (m, SEM frame) of the profile's source end: along-profile distance = x − this. */
  profileStartX: number;
}

/**
 * The SEM scenario of one earthquake on one profile. SEM frame: x along the profile (x = 0 at
 * the model's left edge), z up. The epicentre lies `distance_m` before the profile's source end;
 * beyond the DEM the surface continues flat at the profile's end elevations. The rupture is a
 * line of length L through (epicentre, surface − depth), dipping at `dip_deg` with its deep end
 * away from the area, breaking from the deep end up-dip towards the area at L / duration.
 * Receivers every `receiver_spacing_m` on the surface along the profile, named r000, r001, ...
 */
export function buildSemScenario(
  settings: SemSettings,
  scenario: JobScenario,
  surface: ProfileSurface,
  name: string,
): SemModel {
  const pad = settings.padding_m;
  const half = scenario.length_m / 2;
  const dip = (scenario.dip_deg * Math.PI) / 180;
  const [h, v] = [half * Math.cos(dip), half * Math.sin(dip)];
  const length = surface.x[surface.x.length - 1];
  const epicentreX = pad + h;
  const startX = epicentreX + scenario.distance_m;
  const endX = startX + length;
  const surfaceZ = Array.from(surface.z);
  const zAtStart = surfaceZ[0];
  const centreZ = zAtStart - scenario.depth_m;
  const topLayer = settings.layers[0];
  const cover = topLayer.element_size_m ?? settings.element_size_m;
  if (centreZ + v > zAtStart - cover)
    throw new InputError(
      `scenario ${scenario.id}: the rupture (L ${scenario.length_m.toFixed(0)} m, dip ${scenario.dip_deg}°) would reach within ${cover} m of the surface at ${scenario.depth_m} m depth: increase depth_m, lower dip_deg or Mw`,
    );
  const lastInterface = settings.layers.at(-2)?.bottom_z ?? centreZ;
  const zmin = Math.min(centreZ - v - pad, lastInterface - pad);
  const start: [number, number] = [round(epicentreX - h, 3), round(centreZ - v, 3)];
  const end: [number, number] = [round(epicentreX + h, 3), round(centreZ + v, 3)];
  const count = Math.floor(length / settings.receiver_spacing_m + 1e-9) + 1;
  const digits = Math.max(3, String(count - 1).length);
  const receivers = Array.from({ length: count }, (_, k) => ({
    name: `r${String(k).padStart(digits, "0")}`,
    x: round(startX + k * settings.receiver_spacing_m, 3),
    z: "surface" as const,
  }));
  const vsMin = Math.min(...settings.layers.map((layer) => layer.vs));
  const t0 = 1.2 / settings.f0_hz;
  const farthest = Math.hypot(endX - start[0], surfaceZ[surfaceZ.length - 1] - start[1]);
  // Long enough for the slowest S waves from the rupture's start to the far end, plus a coda.
  const duration = settings.duration_s ?? round(t0 + scenario.rupture_duration_s + farthest / vsMin + 1, 2);
  const model: Scenario = {
    name,
    domain: { xmin: 0, xmax: round(Math.max(endX, epicentreX + h) + pad, 3), zmin: round(zmin, 3) },
    topography: {
      x: Array.from(surface.x, (x) => round(startX + x, 3)),
      z: surfaceZ.map((z) => round(z, 3)),
    },
    layers: settings.layers,
    mesh: { element_size_m: settings.element_size_m, ngll: settings.ngll },
    source: {
      type: "finite",
      start,
      end,
      rupture_velocity: scenario.length_m / scenario.rupture_duration_s,
      mw: scenario.mw,
      stf: { type: "step", f0_hz: settings.f0_hz, t0_s: round(t0, 6) },
    },
    receivers,
    time: { duration_s: duration, cfl: settings.cfl },
    output: { quantities: ["acceleration"] },
    absorbing: true,
  };
  return { scenario: model, profileStartX: startX };
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
