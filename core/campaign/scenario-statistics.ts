import { probabilityMap } from "../stability/newmark-map.ts";
import type { IndexScenario } from "./index-file.ts";
import type { StudyRow } from "./study.ts";

export interface ScenarioStatistics {
  id: string;
  label: string;
  mw: number;
  weight: number;
  annual_rate: number | null;
  rupture_duration_s: number;
  /** Area of the cells with D_N at or above the landslide threshold (m²). */
  landslide_area_m2: number;
  /** Σ P(f) × cell area, P(f) of Jibson et al. (2000) (m²). */
  expected_failed_area_m2: number;
  mean_dn_cm: number;
  max_dn_cm: number;
  /** Largest horizontal PGA and mean D5-95 over the scenario's surface receivers. */
  max_pga_g: number;
  mean_d5_95_s: number;
}

export function meanOf(values: Float32Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return values.length ? sum / values.length : 0;
}

/** One scenario's numbers from its D_N on the covered cells and its own receivers' data points. */
export function statisticsOf(
  scenario: IndexScenario,
  dn: Float32Array,
  receivers: StudyRow[],
  cellArea: number,
  landslideDn: number,
): ScenarioStatistics {
  let landslides = 0;
  let max = 0;
  for (const value of dn) {
    if (value >= landslideDn) landslides++;
    max = Math.max(max, value);
  }
  const pf = probabilityMap(dn);
  return {
    id: scenario.id,
    label: scenario.label,
    mw: scenario.mw,
    weight: scenario.weight,
    annual_rate: scenario.annual_rate,
    rupture_duration_s: scenario.rupture_duration_s,
    landslide_area_m2: landslides * cellArea,
    expected_failed_area_m2: meanOf(pf) * pf.length * cellArea,
    mean_dn_cm: meanOf(dn),
    max_dn_cm: max,
    max_pga_g: receivers.reduce((peak, r) => Math.max(peak, r.pga_g), 0),
    mean_d5_95_s: receivers.length ? receivers.reduce((sum, r) => sum + r.d5_95_s, 0) / receivers.length : 0,
  };
}

/**
 * The `count` rarest scenarios: smallest weight first (annual rate where given, since weights
 * follow rates), then the larger Mw, then the spec's order. Known before any result is read, so
 * only their maps are kept while the others stream through.
 */
export function rarest(scenarios: IndexScenario[], count: number): IndexScenario[] {
  return scenarios
    .map((scenario, order) => ({ scenario, order }))
    .sort(
      (a, b) => a.scenario.weight - b.scenario.weight || b.scenario.mw - a.scenario.mw || a.order - b.order,
    )
    .slice(0, count)
    .map((entry) => entry.scenario);
}

/** Landslide area and mean D_N per Mw value, weighted by the scenarios' weights within each Mw. */
export function areaByMagnitude(stats: ScenarioStatistics[]) {
  const groups = new Map<number, ScenarioStatistics[]>();
  for (const s of stats) groups.set(s.mw, [...(groups.get(s.mw) ?? []), s]);
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([mw, group]) => {
      const total = group.reduce((sum, s) => sum + s.weight, 0);
      const weighted = (value: (s: ScenarioStatistics) => number) =>
        group.reduce((sum, s) => sum + s.weight * value(s), 0) / total;
      return {
        mw,
        scenarios: group.length,
        landslide_area_m2: weighted((s) => s.landslide_area_m2),
        mean_dn_cm: weighted((s) => s.mean_dn_cm),
      };
    });
}
