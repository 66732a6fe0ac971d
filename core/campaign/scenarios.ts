import { InputError } from "../errors.ts";
import { Random } from "../ml/random.ts";
import type { CampaignSpec } from "./spec.ts";

/**
 * Subsurface rupture length (m) from moment magnitude: Wells & Coppersmith (1994), BSSA 84(4),
 * Table 2A, all slip types: log10(RLD / km) = −2.44 + 0.59 Mw (σ = 0.16, fitted on Mw 4.8–8.1;
 * smaller magnitudes extrapolate the same line).
 */
export function ruptureLengthM(mw: number): number {
  return 1000 * 10 ** (-2.44 + 0.59 * mw);
}

/** One earthquake of the campaign, with every source parameter resolved. */
export interface CampaignScenario {
  id: string;
  /** Human-readable summary for tables and plots. */
  label: string;
  mw: number;
  distance_m: number;
  depth_m: number;
  length_m: number;
  /** Rupture duration (s): length / rupture velocity. */
  rupture_duration_s: number;
  dip_deg: number;
  /** Normalised: the weights of a campaign sum to 1. */
  weight: number;
  /** Annual rate of this scenario when the spec gives rates; else null. */
  annual_rate: number | null;
  /** Grid factors (1 outside grids), kept for the study tables. */
  length_factor: number;
  duration_factor: number;
}

/** What expansion needs from the velocity model: vs at a depth below the surface (m/s). */
export type VsAtDepth = (depthM: number) => number;

interface Draft {
  id: string;
  mw: number;
  distance_m: number;
  depth_m: number;
  length_m?: number;
  rupture_duration_s?: number;
  dip_deg?: number;
  length_factor: number;
  duration_factor: number;
  rawWeight: number;
  rate: number | null;
}

/**
 * Expands the spec's scenarios (a list, a grid or a seeded Monte Carlo sample) into concrete
 * ones. Rupture length: given, or Wells & Coppersmith (1994) × length_factor; duration: given,
 * or length / (rupture_velocity_ratio × vs at the rupture's depth) × duration_factor. Weights
 * are normalised to sum to 1; annual rates are kept where the spec gives them.
 */
export function expandScenarios(spec: CampaignSpec, vsAtDepth: VsAtDepth): CampaignScenario[] {
  const drafts = draftScenarios(spec);
  const total = drafts.reduce((sum, d) => sum + d.rawWeight, 0);
  return drafts.map((draft) => {
    const length = draft.length_m ?? ruptureLengthM(draft.mw) * draft.length_factor;
    const velocity = spec.source.rupture_velocity_ratio * vsAtDepth(draft.depth_m);
    const duration = draft.rupture_duration_s ?? (length / velocity) * draft.duration_factor;
    const dip = draft.dip_deg ?? spec.source.dip_deg;
    if (!(dip >= 0 && dip <= 90)) throw new InputError(`scenario ${draft.id}: dip_deg must be 0-90`);
    return {
      id: draft.id,
      label: `Mw ${round(draft.mw, 2)}, ${round(draft.distance_m, 0)} m away, ${round(draft.depth_m, 0)} m deep, L ${round(length, 0)} m, T ${round(duration, 2)} s`,
      mw: draft.mw,
      distance_m: draft.distance_m,
      depth_m: draft.depth_m,
      length_m: length,
      rupture_duration_s: duration,
      dip_deg: dip,
      weight: draft.rawWeight / total,
      annual_rate: draft.rate,
      length_factor: draft.length_factor,
      duration_factor: draft.duration_factor,
    };
  });
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function draftScenarios(spec: CampaignSpec): Draft[] {
  const scenarios = spec.scenarios;
  if ("list" in scenarios) {
    const anyRate = scenarios.list.some((s) => s.annual_rate !== undefined);
    if (anyRate && scenarios.list.some((s) => s.annual_rate === undefined))
      throw new InputError("scenarios.list: give annual_rate for every scenario or for none");
    return scenarios.list.map((s, i) => ({
      id: s.id ?? `s${i}`,
      mw: s.mw,
      distance_m: s.distance_m,
      depth_m: s.depth_m,
      length_m: s.length_m,
      rupture_duration_s: s.rupture_duration_s,
      dip_deg: s.dip_deg,
      length_factor: 1,
      duration_factor: 1,
      rawWeight: s.annual_rate ?? s.weight ?? 1,
      rate: s.annual_rate ?? null,
    }));
  }
  if ("grid" in scenarios) return gridDrafts(scenarios.grid);
  return monteCarloDrafts(scenarios.monte_carlo);
}

type GridSpec = Extract<CampaignSpec["scenarios"], { grid: unknown }>["grid"];
type MonteCarloSpec = Extract<CampaignSpec["scenarios"], { monte_carlo: unknown }>["monte_carlo"];

/**
 * Mw × distance × depth × length factor × duration factor, ids g000, g001, ... in that nesting
 * order. Gutenberg-Richter weights: each Mw value stands for the bin between the midpoints to
 * its neighbours (the outer bins as wide as their inner half), whose probability under a
 * doubly-truncated exponential with that b value is shared equally by the bin's scenarios.
 */
function gridDrafts(grid: GridSpec): Draft[] {
  const mws = [...new Set(grid.mw)].sort((a, b) => a - b);
  if (mws.length !== grid.mw.length) throw new InputError("scenarios.grid.mw: values must differ");
  const perMw =
    grid.distance_m.length * grid.depth_m.length * grid.length_factor.length * grid.duration_factor.length;
  const gr = grid.weights === "uniform" ? null : grid.weights.gutenberg_richter;
  const binProbability = gr ? gutenbergRichterBins(mws, gr.b_value) : mws.map(() => 1 / mws.length);
  const drafts: Draft[] = [];
  const width = String(mws.length * perMw - 1).length;
  mws.forEach((mw, m) => {
    for (const distance of grid.distance_m)
      for (const depth of grid.depth_m)
        for (const lengthFactor of grid.length_factor)
          for (const durationFactor of grid.duration_factor) {
            const share = binProbability[m] / perMw;
            drafts.push({
              id: `g${String(drafts.length).padStart(Math.max(3, width), "0")}`,
              mw,
              distance_m: distance,
              depth_m: depth,
              length_factor: lengthFactor,
              duration_factor: durationFactor,
              rawWeight: share,
              rate: gr?.annual_rate !== undefined ? gr.annual_rate * share : null,
            });
          }
  });
  return drafts;
}

/** Probability of each Mw bin (edges halfway between sorted values) under truncated G-R. */
export function gutenbergRichterBins(sortedMw: number[], bValue: number): number[] {
  if (sortedMw.length === 1) return [1];
  const edges = [sortedMw[0] - (sortedMw[1] - sortedMw[0]) / 2];
  for (let i = 1; i < sortedMw.length; i++) edges.push((sortedMw[i - 1] + sortedMw[i]) / 2);
  const n = sortedMw.length;
  edges.push(sortedMw[n - 1] + (sortedMw[n - 1] - sortedMw[n - 2]) / 2);
  const beta = bValue * Math.LN10;
  const survival = (m: number) => Math.exp(-beta * (m - edges[0]));
  const total = 1 - survival(edges[n]);
  return sortedMw.map((_, i) => (survival(edges[i]) - survival(edges[i + 1])) / total);
}

/**
 * `count` independent draws with the seeded generator: Mw from the Gutenberg-Richter law
 * truncated to [min, max] (inverse CDF), distance and depth uniform in their ranges. Every draw
 * has weight 1/count (and rate annual_rate/count): the sample itself carries the distribution.
 */
function monteCarloDrafts(mc: MonteCarloSpec): Draft[] {
  const random = new Random(mc.seed);
  const beta = mc.mw.b_value * Math.LN10;
  const span = 1 - Math.exp(-beta * (mc.mw.max - mc.mw.min));
  const uniform = (range: { min: number; max: number }) =>
    range.min + random.next() * (range.max - range.min);
  const width = Math.max(3, String(mc.count - 1).length);
  return Array.from({ length: mc.count }, (_, i) => {
    const mw = mc.mw.min - Math.log(1 - random.next() * span) / beta;
    return {
      id: `mc${String(i).padStart(width, "0")}`,
      mw,
      distance_m: uniform(mc.distance_m),
      depth_m: uniform(mc.depth_m),
      length_factor: 1,
      duration_factor: 1,
      rawWeight: 1,
      rate: mc.annual_rate !== undefined ? mc.annual_rate / mc.count : null,
    };
  });
}
