import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Grid } from "../raster/types.ts";
import { writeBandOutputs } from "../stability/raster-io.ts";
import type { ScenarioResults } from "./aggregate.ts";
import type { CampaignIndex } from "./index-file.ts";
import type { Coverage } from "./interpolate.ts";
import { thresholdLabel } from "./output-names.ts";
import { writeScatterPng } from "./plots.ts";
import { writeCampaignReport } from "./report.ts";
import { areaByMagnitude, meanOf, type ScenarioStatistics } from "./scenario-statistics.ts";
import { type StudyFits, type StudyRow, studyFits, writeStudyPlots } from "./study.ts";

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
  /** How the 90th percentile was computed (cell-statistics.ts). */
  quantileMethod: "exact" | "histogram";
  scenarioStatistics: ScenarioStatistics[];
  areaByMw: { mw: number; scenarios: number; landslide_area_m2: number; mean_dn_cm: number }[];
  extremes: { id: string; label: string; weight: number; map: string }[];
  study: StudyFits[];
  /** Jobs whose receivers are the study's data points (all, or a sample of large campaigns). */
  studyJobs: number;
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
  scenarios: ScenarioResults;
}

/**
 * Writes every output; nothing written depends on when, where or how fast the jobs ran, so that
 * a resumed campaign gives the same files as an uninterrupted one.
 */
export async function writeAggregateOutputs(
  outDir: string,
  context: AggregateContext,
): Promise<CampaignAggregateResult> {
  const { index, grid, coverage, scenarios } = context;
  const { statistics, scenarioStatistics } = scenarios;
  mkdirSync(outDir, { recursive: true });
  const outputs = await writeMaps(outDir, context);
  const study = index.studyAc.map((ac, a) => studyFits(scenarios.rows, a, ac, index.dnFloorCm));
  outputs.push(...(await writeStudyPlots(outDir, scenarios.rows, study[0], 0, index.dnFloorCm)));
  const areaByMw = areaByMagnitude(scenarioStatistics);
  await writeAreaPlot(join(outDir, "area_vs_mw.png"), scenarioStatistics, areaByMw, index.landslideDnCm);
  outputs.push("area_vs_mw.png");
  writeFileSync(join(outDir, "study.csv"), studyCsv(scenarios.rows, index.studyAc));
  writeFileSync(join(outDir, "scenarios.csv"), scenariosCsv(scenarioStatistics));
  outputs.push("study.csv", "scenarios.csv", "summary.json", "report.html");
  const summary: CampaignAggregateSummary = {
    campaign: index.campaign,
    scenarios: index.scenarios.length,
    profiles: index.profiles.length,
    jobs: index.jobs.length,
    coveredCells: coverage.cells.length,
    cellAreaM2: Math.abs(grid.transform[1] * grid.transform[5]),
    thresholdsCm: index.thresholdsCm,
    meanExceedance: statistics.exceedance.map(meanOf),
    quantileMethod: statistics.quantileMethod,
    scenarioStatistics,
    areaByMw,
    extremes: scenarios.extremes.map(({ scenario: s }) => ({
      id: s.id,
      label: s.label,
      weight: s.weight,
      map: `scenario_${s.id}_dn_cm.tif`,
    })),
    study,
    studyJobs: scenarios.studyJobs,
    compute: { jobs: scenarios.jobSummaries.length, elementSteps: elementSteps(scenarios) },
    outputs,
  };
  writeFileSync(join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  writeCampaignReport(join(outDir, "report.html"), outDir, summary, index);
  return { ...summary, timing: timing(scenarios) };
}

/** The COG + PNG maps: exceedance per threshold, mean, 90th percentile, the rarest scenarios. */
async function writeMaps(outDir: string, context: AggregateContext): Promise<string[]> {
  const { index, grid, coverage, scenarios } = context;
  const { statistics } = scenarios;
  const outputs: string[] = [];
  const saturating = "(30 cm and more saturate)";
  const maps: [string, Float32Array, string, string, number][] = [
    ...index.thresholdsCm.map((threshold, t): [string, Float32Array, string, string, number] => [
      `p_dn_gt_${thresholdLabel(threshold)}cm`,
      statistics.exceedance[t],
      `P(D_N > ${threshold} cm) over the scenarios`,
      "-",
      1,
    ]),
    ["dn_mean_cm", statistics.mean, `Mean Newmark displacement ${saturating}`, "cm", 30],
    ["dn_p90_cm", statistics.quantile, `90th percentile of D_N ${saturating}`, "cm", 30],
    ...scenarios.extremes.map(({ scenario, dn }): [string, Float32Array, string, string, number] => [
      `scenario_${scenario.id}_dn_cm`,
      dn,
      `D_N, scenario ${scenario.id} ${saturating}`,
      "cm",
      30,
    ]),
  ];
  for (const [name, compact, title, units, max] of maps) {
    await writeBandOutputs(outDir, name, grid, onGrid(compact, coverage, grid), {
      ramp: "magma",
      title,
      units,
      min: 0,
      max,
    });
    outputs.push(`${name}.tif`, `${name}.png`);
  }
  return outputs;
}

/** Covered-cell values onto the full grid, NaN (nodata) elsewhere. */
function onGrid(compact: Float32Array, coverage: Coverage, grid: Grid): Float32Array {
  const full = new Float32Array(grid.width * grid.height).fill(Number.NaN);
  for (let c = 0; c < coverage.cells.length; c++) full[coverage.cells[c]] = compact[c];
  return full;
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

function elementSteps(results: ScenarioResults): number {
  return results.jobSummaries.reduce((sum, j) => sum + j.elements * j.nsteps, 0);
}

function timing(results: ScenarioResults): CampaignAggregateResult["timing"] {
  const solverSeconds = results.jobSummaries.reduce((sum, j) => sum + j.wall_s, 0);
  return {
    solverSeconds,
    elementStepsPerS: solverSeconds > 0 ? elementSteps(results) / solverSeconds : 0,
    newmarkSeconds: results.jobSummaries.reduce((sum, j) => sum + j.newmark_s, 0),
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
