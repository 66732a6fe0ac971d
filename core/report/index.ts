import { histogram, histogramSvg } from "./histogram.ts";
import { type Cell, escapeHtml, formatNumber, REPORT_CSS, tableHtml } from "./html.ts";

/**
 * A self-contained report.html: one file, no network (CSS inline, maps as base64 PNGs, histograms
 * as inline SVG, no script), that opens in any browser and can be mailed or archived as it is.
 * Hazard runs, event maps and campaigns build theirs from the same blocks.
 */
export type ReportBlock =
  | { kind: "text"; text: string }
  | { kind: "table"; columns: string[]; rows: Cell[][]; caption?: string }
  | { kind: "definitions"; entries: [string, Cell][] }
  /** `widthPx` shows a small map preview that wide, with its pixels kept sharp. */
  | { kind: "figures"; images: { png: Uint8Array; caption: string; widthPx?: number }[] }
  | {
      kind: "histogram";
      title: string;
      xLabel: string;
      values: ArrayLike<number>;
      bins?: number;
      range?: [number, number];
    };

export interface ReportSection {
  heading: string;
  blocks: ReportBlock[];
}

export interface ReportDocument {
  title: string;
  subtitle?: string;
  sections: ReportSection[];
  /** Small print at the bottom (code version, generation time). */
  footer?: string;
}

export function buildReport(report: ReportDocument): string {
  const sections = report.sections
    .map(
      (section) =>
        `<section><h2>${escapeHtml(section.heading)}</h2>${section.blocks.map(blockHtml).join("\n")}</section>`,
    )
    .join("\n");
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(report.title)}</title><style>${REPORT_CSS}</style></head><body>`,
    `<header><h1>${escapeHtml(report.title)}</h1>${report.subtitle ? `<p>${escapeHtml(report.subtitle)}</p>` : ""}</header>`,
    `<main>${sections}</main>`,
    report.footer ? `<footer>${escapeHtml(report.footer)}</footer>` : "",
    "</body></html>",
    "",
  ].join("\n");
}

function blockHtml(block: ReportBlock): string {
  switch (block.kind) {
    case "text":
      return `<p>${escapeHtml(block.text)}</p>`;
    case "table":
      return tableHtml(block.columns, block.rows, block.caption);
    case "definitions":
      return `<dl>${block.entries
        .map(
          ([term, value]) =>
            `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(typeof value === "number" ? formatNumber(value) : (value ?? "-"))}</dd>`,
        )
        .join("")}</dl>`;
    case "figures":
      return `<div class="figures">${block.images
        .map(
          (image) =>
            `<figure><img alt="${escapeHtml(image.caption)}"${image.widthPx ? ` style="width:${image.widthPx}px;image-rendering:pixelated"` : ""} src="data:image/png;base64,${Buffer.from(image.png).toString("base64")}"><figcaption>${escapeHtml(image.caption)}</figcaption></figure>`,
        )
        .join("")}</div>`;
    case "histogram":
      return `<figure>${histogramSvg(histogram(block.values, block.bins, block.range), block.title, block.xLabel)}</figure>`;
  }
}
