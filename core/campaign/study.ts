import { join } from "node:path";
import type { IndexScenario } from "./index-file.ts";
import type { JobReceiver } from "./job.ts";
import { writeScatterPng } from "./plots.ts";
import { type LinearFit, leastSquares } from "./statistics.ts";

/**
 * The duration-vs-amplitude study: one data point per surface receiver of every job, the
 * horizontal (profile-parallel) motion's PGA, Arias intensity and D5-95 against the D_N of a
 * reference rigid block (the study's a_c, mean of both polarities, as newmark-map's default).
 */
export interface StudyRow {
  job: string;
  scenario: string;
  profile: string;
  receiver: string;
  along_m: number;
  mw: number;
  rupture_duration_s: number;
  pga_g: number;
  arias_m_s: number;
  d5_95_s: number;
  /** One per study a_c (cm). */
  dn_cm: number[];
}

export function studyRows(
  job: { id: string; profile: string },
  scenario: IndexScenario,
  receivers: JobReceiver[],
  studyAc: number[],
): StudyRow[] {
  return receivers.map((r) => ({
    job: job.id,
    scenario: scenario.id,
    profile: job.profile,
    receiver: r.name,
    along_m: r.along_m,
    mw: scenario.mw,
    rupture_duration_s: scenario.rupture_duration_s,
    pga_g: r.x.pga_g,
    arias_m_s: r.x.arias_m_s,
    d5_95_s: r.x.d5_95_s,
    dn_cm: studyAc.map((ac) => {
      const entry = r.newmark.find((n) => Math.abs(n.ac_g - ac) < 1e-12);
      return entry ? (entry.normal_cm + entry.inverse_cm) / 2 : Number.NaN;
    }),
  }));
}

export interface StudyFits {
  ac_g: number;
  /** Points with D_N at or above the floor, used in the log-log fits. */
  used: number;
  belowFloor: number;
  /** log10 D_N = b0 + b1 log10 X for X = PGA (g), Arias (m/s), D5-95 (s). */
  pga: LinearFit | null;
  arias: LinearFit | null;
  duration: LinearFit | null;
  /** log10 D_N = b0 + b1 log10 PGA + b2 log10 D5-95: b2 is the effect of duration at fixed PGA. */
  pgaAndDuration: LinearFit | null;
}

export function studyFits(rows: StudyRow[], acIndex: number, acG: number, floorCm: number): StudyFits {
  const used = rows.filter(
    (r) => r.dn_cm[acIndex] >= floorCm && r.pga_g > 0 && r.arias_m_s > 0 && r.d5_95_s > 0,
  );
  const logDn = used.map((r) => Math.log10(r.dn_cm[acIndex]));
  const logPga = used.map((r) => Math.log10(r.pga_g));
  const logArias = used.map((r) => Math.log10(r.arias_m_s));
  const logDuration = used.map((r) => Math.log10(r.d5_95_s));
  return {
    ac_g: acG,
    used: used.length,
    belowFloor: rows.length - used.length,
    pga: leastSquares(logDn, [logPga]),
    arias: leastSquares(logDn, [logArias]),
    duration: leastSquares(logDn, [logDuration]),
    pgaAndDuration: leastSquares(logDn, [logPga, logDuration]),
  };
}

/** Groups rows by Mw (one colour each in the plots). */
function byMagnitude(rows: StudyRow[], value: (r: StudyRow) => number, acIndex: number) {
  const groups = new Map<number, StudyRow[]>();
  for (const row of rows) groups.set(row.mw, [...(groups.get(row.mw) ?? []), row]);
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .slice(0, 9)
    .map(([mw, group]) => ({
      label: `Mw ${Number(mw.toFixed(2))}`,
      x: group.map(value),
      y: group.map((r) => r.dn_cm[acIndex]),
    }));
}

function trend(fit: LinearFit | null, xs: number[]): { x: number[]; y: number[] }[] {
  const positive = xs.filter((x) => x > 0);
  if (!fit || positive.length === 0) return [];
  const lo = positive.reduce((m, x) => Math.min(m, x), Number.POSITIVE_INFINITY);
  const hi = positive.reduce((m, x) => Math.max(m, x), 0);
  const at = (x: number) => 10 ** (fit.coefficients[0] + fit.coefficients[1] * Math.log10(x));
  return [{ x: [lo, hi], y: [at(lo), at(hi)] }];
}

/**
 * dn_vs_pga.png, dn_vs_arias.png, dn_vs_d5_95.png: log-log scatter of the fitted points (D_N at or
 * above the floor) by Mw, with the fitted trend.
 */
export async function writeStudyPlots(
  outDir: string,
  rows: StudyRow[],
  fits: StudyFits,
  acIndex: number,
  floorCm: number,
): Promise<string[]> {
  const used = rows.filter((r) => r.dn_cm[acIndex] >= floorCm);
  const yLabel = `D_N (cm), a_c ${fits.ac_g} g`;
  const plots = [
    { file: "dn_vs_pga.png", name: "PGA (g)", value: (r: StudyRow) => r.pga_g, fit: fits.pga },
    {
      file: "dn_vs_arias.png",
      name: "Arias intensity (m/s)",
      value: (r: StudyRow) => r.arias_m_s,
      fit: fits.arias,
    },
    {
      file: "dn_vs_d5_95.png",
      name: "significant duration D5-95 (s)",
      value: (r: StudyRow) => r.d5_95_s,
      fit: fits.duration,
    },
  ];
  for (const plot of plots) {
    await writeScatterPng(join(outDir, plot.file), {
      title: `Newmark displacement against ${plot.name.split(" (")[0]}`,
      xLabel: plot.name,
      yLabel,
      logX: true,
      logY: true,
      series: byMagnitude(used, plot.value, acIndex),
      lines: trend(plot.fit, used.map(plot.value)),
    });
  }
  return plots.map((p) => p.file);
}
