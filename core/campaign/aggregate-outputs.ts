import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Grid } from "../raster/types.ts";
import { probabilityMap } from "../stability/newmark-map.ts";
import { writeBandOutputs } from "../stability/raster-io.ts";
import type { ScenarioMaps } from "./aggregate.ts";
import type { CampaignIndex, IndexScenario } from "./index-file.ts";
import type { Coverage } from "./interpolate.ts";
import { thresholdLabel } from "./output-names.ts";
import { writeScatterPng } from "./plots.ts";
import { writeCampaignReport } from "./report.ts";
import type { CellStatistics } from "./statistics.ts";
import { type StudyFits, type StudyRow, studyFits, writeStudyPlots } from "./study.ts";

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

export interface CampaignAggregateSummary {
  campaign: string;
  scenarios: number;
  profiles: number;
  jobs: number;
  coveredCells: number;
  cellAreaM2: number;
  thresholdsCm: number[];
  /** Mean over the covered cells of P(D_N > threshold), per threshold. */
  meanExceedance: number[];
  scenarioStatistics: ScenarioStatistics[];
  areaByMw: { mw: number; scenarios: number; landslide_area_m2: number; mean_dn_cm: number }[];
  extremes: { id: string; label: string; weight: number; map: string }[];
  study: StudyFits[];
  /** Solver work of the campaign's jobs (deterministic, unlike their wall times). */
  compute: { jobs: number; elementSteps: number };
  outputs: string[];
}

/** What the step returns: the summary, plus the jobs' measured times (not in any output file). */
export interface CampaignAggregateResult extends CampaignAggregateSummary {
  timing: { solverSeconds: number; elementStepsPerS: number; newmarkSeconds: number };
}

interface AggregateContext {
  index: CampaignIndex;
  grid: Grid;
  coverage: Coverage;
  maps: ScenarioMaps;
  statistics: CellStatistics;
}

/**
 * Writes every output; nothing written depends on when, where or how fast the jobs ran, so that
 * a resumed campaign gives the same files as an uninterrupted one.
 */
export async function writeAggregateOutputs(
  outDir: string,
  context: AggregateContext,
): Promise<CampaignAggregateResult> {
  const { index, grid, coverage, maps, statistics } = context;
  mkdirSync(outDir, { recursive: true });
  const outputs: string[] = [];
  const writeMap = async (name: string, compact: Float32Array, title: string, units: string, max: number) => {
    await writeBandOutputs(outDir, name, grid, onGrid(compact, coverage, grid), {
      ramp: "magma",
      title,
      units,
      min: 0,
      max,
    });
    outputs.push(`${name}.tif`, `${name}.png`);
  };
  for (const [t, threshold] of index.thresholdsCm.entries())
    await writeMap(
      `p_dn_gt_${thresholdLabel(threshold)}cm`,
      statistics.exceedance[t],
      `P(D_N > ${threshold} cm) over the scenarios`,
      "-",
      1,
    );
  await writeMap(
    "dn_mean_cm",
    statistics.mean,
    "Mean Newmark displacement (30 cm and more saturate)",
    "cm",
    30,
  );
  await writeMap(
    "dn_p90_cm",
    statistics.quantile,
    "90th percentile of D_N (30 cm and more saturate)",
    "cm",
    30,
  );

  const cellArea = Math.abs(grid.transform[1] * grid.transform[5]);
  const scenarioStatistics = index.scenarios.map((scenario, s) =>
    statisticsOf(
      scenario,
      scenarioRow(maps.values, s, coverage.cells.length),
      maps.rows,
      cellArea,
      index.landslideDnCm,
    ),
  );
  const extremes = rarest(index.scenarios, scenarioStatistics, index.extremes);
  for (const scenario of extremes) {
    const s = index.scenarios.indexOf(scenario);
    await writeMap(
      `scenario_${scenario.id}_dn_cm`,
      scenarioRow(maps.values, s, coverage.cells.length),
      `D_N, scenario ${scenario.id} (30 cm and more saturate)`,
      "cm",
      30,
    );
  }
  const study = index.studyAc.map((ac, a) => studyFits(maps.rows, a, ac, index.dnFloorCm));
  outputs.push(...(await writeStudyPlots(outDir, maps.rows, study[0], 0, index.dnFloorCm)));
  const areaByMw = areaByMagnitude(scenarioStatistics);
  await writeAreaPlot(join(outDir, "area_vs_mw.png"), scenarioStatistics, areaByMw, index.landslideDnCm);
  outputs.push("area_vs_mw.png");
  writeFileSync(join(outDir, "study.csv"), studyCsv(maps.rows, index.studyAc));
  writeFileSync(join(outDir, "scenarios.csv"), scenariosCsv(scenarioStatistics));
  outputs.push("study.csv", "scenarios.csv", "summary.json", "report.html");
  const summary: CampaignAggregateSummary = {
    campaign: index.campaign,
    scenarios: index.scenarios.length,
    profiles: index.profiles.length,
    jobs: index.jobs.length,
    coveredCells: coverage.cells.length,
    cellAreaM2: cellArea,
    thresholdsCm: index.thresholdsCm,
    meanExceedance: statistics.exceedance.map(meanOf),
    scenarioStatistics,
    areaByMw,
    extremes: extremes.map((s) => ({
      id: s.id,
      label: s.label,
      weight: s.weight,
      map: `scenario_${s.id}_dn_cm.tif`,
    })),
    study,
    compute: { jobs: maps.jobSummaries.length, elementSteps: elementSteps(maps) },
    outputs,
  };
  writeFileSync(join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  writeCampaignReport(join(outDir, "report.html"), outDir, summary, index);
  return { ...summary, timing: timing(maps) };
}

/** Covered-cell values onto the full grid, NaN (nodata) elsewhere. */
function onGrid(compact: Float32Array, coverage: Coverage, grid: Grid): Float32Array {
  const full = new Float32Array(grid.width * grid.height).fill(Number.NaN);
  for (let c = 0; c < coverage.cells.length; c++) full[coverage.cells[c]] = compact[c];
  return full;
}

function scenarioRow(values: Float32Array, s: number, cells: number): Float32Array {
  return values.subarray(s * cells, (s + 1) * cells);
}

function meanOf(values: Float32Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return values.length ? sum / values.length : 0;
}

function statisticsOf(
  scenario: IndexScenario,
  dn: Float32Array,
  rows: StudyRow[],
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
  const receivers = rows.filter((r) => r.scenario === scenario.id);
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
 * follow rates), then the larger Mw, then the larger landslide area.
 */
function rarest(scenarios: IndexScenario[], stats: ScenarioStatistics[], count: number): IndexScenario[] {
  return scenarios
    .map((scenario, s) => ({ scenario, area: stats[s].landslide_area_m2 }))
    .sort((a, b) => a.scenario.weight - b.scenario.weight || b.scenario.mw - a.scenario.mw || b.area - a.area)
    .slice(0, count)
    .map((entry) => entry.scenario);
}

/** Landslide area and mean D_N per Mw value, weighted by the scenarios' weights within each Mw. */
function areaByMagnitude(stats: ScenarioStatistics[]) {
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

async function writeAreaPlot(
  path: string,
  stats: ScenarioStatistics[],
  byMw: ReturnType<typeof areaByMagnitude>,
  landslideDn: number,
): Promise<void> {
  await writeScatterPng(path, {
    title: `Landslide area (D_N of ${landslideDn} cm or more) against Mw`,
    xLabel: "moment magnitude Mw",
    yLabel: "area (m2)",
    logX: false,
    logY: false,
    series: [
      { label: "scenario", x: stats.map((s) => s.mw), y: stats.map((s) => s.landslide_area_m2) },
      {
        label: "weighted mean",
        x: byMw.map((g) => g.mw),
        y: byMw.map((g) => g.landslide_area_m2),
        connect: true,
      },
    ],
  });
}

function elementSteps(maps: ScenarioMaps): number {
  return maps.jobSummaries.reduce((sum, j) => sum + j.elements * j.nsteps, 0);
}

function timing(maps: ScenarioMaps): CampaignAggregateResult["timing"] {
  const solverSeconds = maps.jobSummaries.reduce((sum, j) => sum + j.wall_s, 0);
  return {
    solverSeconds,
    elementStepsPerS: solverSeconds > 0 ? elementSteps(maps) / solverSeconds : 0,
    newmarkSeconds: maps.jobSummaries.reduce((sum, j) => sum + j.newmark_s, 0),
  };
}

const number = (value: number) => (Number.isFinite(value) ? String(Number(value.toPrecision(6))) : "");

function studyCsv(rows: StudyRow[], studyAc: number[]): string {
  const header = [
    "job,scenario,profile,receiver,along_m,mw,rupture_duration_s,pga_g,arias_m_s,d5_95_s",
    ...studyAc.map((ac) => `dn_cm_ac${ac}`),
  ].join(",");
  const lines = rows.map((r) =>
    [
      r.job,
      r.scenario,
      r.profile,
      r.receiver,
      ...[r.along_m, r.mw, r.rupture_duration_s, r.pga_g, r.arias_m_s, r.d5_95_s, ...r.dn_cm].map(number),
    ].join(","),
  );
  return `${[header, ...lines].join("\n")}\n`;
}

function scenariosCsv(stats: ScenarioStatistics[]): string {
  const columns: (keyof ScenarioStatistics)[] = [
    "id",
    "mw",
    "weight",
    "annual_rate",
    "rupture_duration_s",
    "landslide_area_m2",
    "expected_failed_area_m2",
    "mean_dn_cm",
    "max_dn_cm",
    "max_pga_g",
    "mean_d5_95_s",
  ];
  const lines = stats.map((s) =>
    columns.map((c) => (typeof s[c] === "number" ? number(s[c] as number) : String(s[c] ?? ""))).join(","),
  );
  return `${[columns.join(","), ...lines].join("\n")}\n`;
}
