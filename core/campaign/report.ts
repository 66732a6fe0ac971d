import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Cell } from "../report/html.ts";
import { buildReport, type ReportBlock, type ReportSection } from "../report/index.ts";
import type { CampaignAggregateSummary } from "./aggregate-outputs.ts";
import type { CampaignIndex } from "./index-file.ts";
import { thresholdLabel } from "./output-names.ts";
import type { LinearFit } from "./statistics.ts";

const fixed = (value: number, digits = 3) =>
  Number.isFinite(value) ? Number(value.toPrecision(digits)) : "";

/** PNGs of outDir as figures (those present); maps (their previews) shown 480 px wide. */
function figures(outDir: string, images: { file: string; caption: string; map?: boolean }[]): ReportBlock {
  return {
    kind: "figures",
    images: images
      .filter(({ file }) => existsSync(join(outDir, file)))
      .map(({ file, caption, map }) => ({
        png: readFileSync(join(outDir, file)),
        caption,
        widthPx: map ? 480 : undefined,
      })),
  };
}

const text = (value: string): ReportBlock => ({ kind: "text", text: value });
const table = (columns: string[], rows: Cell[][]): ReportBlock => ({ kind: "table", columns, rows });

function fitText(name: string, fit: LinearFit | null): Cell[] {
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
    buildReport({
      title: `Campaign ${summary.campaign}`,
      sections: sections.map((section) => section({ outDir, summary, index })),
    }),
  );
}

type Section = ReportSection;

interface ReportContext {
  outDir: string;
  summary: CampaignAggregateSummary;
  index: CampaignIndex;
}

function overviewSection({ summary, index }: ReportContext): Section {
  return {
    heading: "Campaign",
    blocks: [
      text(
        `${summary.scenarios} scenarios × ${summary.profiles} profiles = ${summary.jobs} SEM jobs; ${summary.coveredCells} cells (${fixed(summary.coveredCells * summary.cellAreaM2, 4)} m²) within ${index.maxDistanceM} m of a profile. ` +
          `Solver work: ${fixed(summary.compute.elementSteps / 1e6, 4)} M element-steps.`,
      ),
    ],
  };
}

function mapsSection({ outDir, summary }: ReportContext): Section {
  return {
    heading: "Exceedance maps",
    blocks: [
      text(
        "Per cell, across the weighted scenarios: P(D_N > threshold), the mean and the 90th percentile of the Newmark displacement. Cells farther than the maximum distance from every profile are nodata (transparent)." +
          (summary.quantileMethod === "histogram"
            ? " The 90th percentile comes from per-cell histograms (20 bins per decade): at most 12 % above the exact value."
            : ""),
      ),
      figures(outDir, [
        ...summary.thresholdsCm.map((t, i) => ({
          file: `p_dn_gt_${thresholdLabel(t)}cm.png`,
          caption: `P(D_N > ${t} cm); mean over the covered area ${fixed(summary.meanExceedance[i])}`,
          map: true,
        })),
        { file: "dn_mean_cm.png", caption: "Weighted mean D_N (cm)", map: true },
        { file: "dn_p90_cm.png", caption: "Weighted 90th percentile of D_N (cm)", map: true },
      ]),
    ],
  };
}

function studySection({ outDir, index, summary }: ReportContext): Section {
  const study = summary.study[0];
  return {
    heading: "Duration against amplitude",
    blocks: [
      text(
        `One point per surface receiver and job: the horizontal motion's PGA, Arias intensity and significant duration D5-95 against the displacement of a rigid block with a_c = ${study.ac_g} g (mean of both polarities). Fits of log10 D_N by least squares on the ${study.used} points with D_N ≥ ${index.dnFloorCm} cm (${study.belowFloor} below). The coefficient of log10 D5-95 in the two-variable fit is the effect of duration at fixed PGA.`,
      ),
      table(
        ["fit of log10 D_N", "points", "b0", "b1 (± s.e.)", "b2 (± s.e.)", "R²"],
        [
          fitText("b0 + b1 log10 PGA", study.pga),
          fitText("b0 + b1 log10 Arias", study.arias),
          fitText("b0 + b1 log10 D5-95", study.duration),
          fitText("b0 + b1 log10 PGA + b2 log10 D5-95", study.pgaAndDuration),
        ],
      ),
      figures(outDir, [
        { file: "dn_vs_pga.png", caption: "D_N against PGA" },
        { file: "dn_vs_arias.png", caption: "D_N against Arias intensity" },
        { file: "dn_vs_d5_95.png", caption: "D_N against D5-95" },
      ]),
    ],
  };
}

function areaSection({ outDir, summary, index }: ReportContext): Section {
  return {
    heading: "Landslide area against magnitude",
    blocks: [
      table(
        ["Mw", "scenarios", `landslide area (m², D_N ≥ ${index.landslideDnCm} cm)`, "mean D_N (cm)"],
        summary.areaByMw.map((g) => [g.mw, g.scenarios, fixed(g.landslide_area_m2, 4), fixed(g.mean_dn_cm)]),
      ),
      figures(outDir, [
        { file: "area_vs_mw.png", caption: "Landslide area per scenario and its weighted mean per Mw" },
      ]),
    ],
  };
}

function extremesSection({ outDir, summary }: ReportContext): Section {
  return {
    heading: "Rarest scenarios",
    blocks: summary.extremes.length
      ? [
          figures(
            outDir,
            summary.extremes.map((e) => ({
              file: e.map.replace(/\.tif$/, ".png"),
              caption: `${e.id}: ${e.label}; weight ${fixed(e.weight)}`,
              map: true,
            })),
          ),
        ]
      : [text("none requested (aggregate.extremes = 0)")],
  };
}

function scenariosSection({ summary }: ReportContext): Section {
  return {
    heading: "Scenarios",
    blocks: [
      table(
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
      ),
    ],
  };
}
