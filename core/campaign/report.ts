import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { htmlFigure, htmlPage, htmlParagraph, htmlTable } from "../report/html.ts";
import type { CampaignAggregateSummary } from "./aggregate-outputs.ts";
import type { CampaignIndex } from "./index-file.ts";
import { thresholdLabel } from "./output-names.ts";
import type { LinearFit } from "./statistics.ts";

const fixed = (value: number, digits = 3) =>
  Number.isFinite(value) ? Number(value.toPrecision(digits)) : "";

/** A PNG of outDir as a figure; maps (their previews) shown 480 px wide. */
function figure(outDir: string, file: string, caption: string, map = false): string {
  const path = join(outDir, file);
  return existsSync(path) ? htmlFigure(readFileSync(path), caption, map ? 480 : undefined) : "";
}

function fitText(name: string, fit: LinearFit | null): (string | number)[] {
  if (!fit) return [name, "too few points", "", "", "", ""];
  const [b0, b1, b2] = fit.coefficients;
  const [, s1, s2] = fit.standardErrors;
  return [
    name,
    fit.n,
    fixed(b0),
    `${fixed(b1)} ± ${fixed(s1, 2)}`,
    b2 === undefined ? "" : `${fixed(b2)} ± ${fixed(s2, 2)}`,
    fixed(fit.rSquared),
  ];
}

/**
 * report.html: one self-contained page (images embedded) with the campaign's maps, the
 * duration-vs-amplitude study (fits and plots), landslide area against Mw, the scenario table and
 * the rarest scenarios with their maps. Nothing in it depends on when or where it was made, so
 * the same campaign gives the same file.
 */
export function writeCampaignReport(
  path: string,
  outDir: string,
  summary: CampaignAggregateSummary,
  index: CampaignIndex,
): void {
  const sections = [
    overviewSection,
    mapsSection,
    studySection,
    areaSection,
    extremesSection,
    scenariosSection,
  ];
  writeFileSync(
    path,
    htmlPage(
      `Campaign ${summary.campaign}`,
      sections.map((section) => section({ outDir, summary, index })),
    ),
  );
}

type Section = { heading: string; body: string[] };

interface ReportContext {
  outDir: string;
  summary: CampaignAggregateSummary;
  index: CampaignIndex;
}

function overviewSection({ summary, index }: ReportContext): Section {
  return {
    heading: "Campaign",
    body: [
      htmlParagraph(
        `${summary.scenarios} scenarios × ${summary.profiles} profiles = ${summary.jobs} SEM jobs; ${summary.coveredCells} cells (${fixed(summary.coveredCells * summary.cellAreaM2, 4)} m²) within ${index.maxDistanceM} m of a profile. ` +
          `Solver work: ${fixed(summary.compute.elementSteps / 1e6, 4)} M element-steps.`,
      ),
    ],
  };
}

function mapsSection({ outDir, summary }: ReportContext): Section {
  return {
    heading: "Exceedance maps",
    body: [
      htmlParagraph(
        "Per cell, across the weighted scenarios: P(D_N > threshold), the mean and the 90th percentile of the Newmark displacement. Cells farther than the maximum distance from every profile are nodata (transparent)." +
          (summary.quantileMethod === "histogram"
            ? " The 90th percentile comes from per-cell histograms (20 bins per decade): at most 12 % above the exact value."
            : ""),
      ),
      ...summary.thresholdsCm.map((t, i) =>
        figure(
          outDir,
          `p_dn_gt_${thresholdLabel(t)}cm.png`,
          `P(D_N > ${t} cm); mean over the covered area ${fixed(summary.meanExceedance[i])}`,
          true,
        ),
      ),
      figure(outDir, "dn_mean_cm.png", "Weighted mean D_N (cm)", true),
      figure(outDir, "dn_p90_cm.png", "Weighted 90th percentile of D_N (cm)", true),
    ],
  };
}

function studySection({ outDir, index, summary }: ReportContext): Section {
  const study = summary.study[0];
  return {
    heading: "Duration against amplitude",
    body: [
      htmlParagraph(
        `One point per surface receiver and job: the horizontal motion's PGA, Arias intensity and significant duration D5-95 against the displacement of a rigid block with a_c = ${study.ac_g} g (mean of both polarities). Fits of log10 D_N by least squares on the ${study.used} points with D_N ≥ ${index.dnFloorCm} cm (${study.belowFloor} below). The coefficient of log10 D5-95 in the two-variable fit is the effect of duration at fixed PGA.`,
      ),
      htmlTable(
        ["fit of log10 D_N", "points", "b0", "b1 (± s.e.)", "b2 (± s.e.)", "R²"],
        [
          fitText("b0 + b1 log10 PGA", study.pga),
          fitText("b0 + b1 log10 Arias", study.arias),
          fitText("b0 + b1 log10 D5-95", study.duration),
          fitText("b0 + b1 log10 PGA + b2 log10 D5-95", study.pgaAndDuration),
        ],
      ),
      figure(outDir, "dn_vs_pga.png", "D_N against PGA"),
      figure(outDir, "dn_vs_arias.png", "D_N against Arias intensity"),
      figure(outDir, "dn_vs_d5_95.png", "D_N against D5-95"),
    ],
  };
}

function areaSection({ outDir, summary, index }: ReportContext): Section {
  return {
    heading: "Landslide area against magnitude",
    body: [
      htmlTable(
        ["Mw", "scenarios", `landslide area (m², D_N ≥ ${index.landslideDnCm} cm)`, "mean D_N (cm)"],
        summary.areaByMw.map((g) => [g.mw, g.scenarios, fixed(g.landslide_area_m2, 4), fixed(g.mean_dn_cm)]),
        [],
      ),
      figure(outDir, "area_vs_mw.png", "Landslide area per scenario and its weighted mean per Mw"),
    ],
  };
}

function extremesSection({ outDir, summary }: ReportContext): Section {
  return {
    heading: "Rarest scenarios",
    body: summary.extremes.length
      ? summary.extremes.map((e) =>
          figure(
            outDir,
            e.map.replace(/\.tif$/, ".png"),
            `${e.id}: ${e.label}; weight ${fixed(e.weight)}`,
            true,
          ),
        )
      : [htmlParagraph("none requested (aggregate.extremes = 0)", "note")],
  };
}

function scenariosSection({ summary }: ReportContext): Section {
  return {
    heading: "Scenarios",
    body: [
      htmlTable(
        [
          "id",
          "scenario",
          "weight",
          "landslide area (m²)",
          "expected failed area (m²)",
          "mean D_N (cm)",
          "max D_N (cm)",
          "max PGA (g)",
          "mean D5-95 (s)",
        ],
        summary.scenarioStatistics.map((s) => [
          s.id,
          s.label,
          fixed(s.weight),
          fixed(s.landslide_area_m2, 4),
          fixed(s.expected_failed_area_m2, 4),
          fixed(s.mean_dn_cm),
          fixed(s.max_dn_cm),
          fixed(s.max_pga_g),
          fixed(s.mean_d5_95_s),
        ]),
        [0, 1],
      ),
    ],
  };
}
