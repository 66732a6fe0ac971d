import type { Cell } from "./html.ts";
import { buildReport, type ReportBlock, type ReportSection } from "./index.ts";

/** What a hazard run's report shows; the publisher gathers it from the steps' results. */
export interface HazardReportContent {
  title: string;
  subtitle: string;
  /** Headline facts: area, grid, event, ground-motion source, ... */
  facts: [string, Cell][];
  /** Area (and exposure) per hazard class. */
  classTable: { columns: string[]; rows: Cell[][] };
  maps: { caption: string; png: Uint8Array }[];
  histograms: { title: string; xLabel: string; values: Float32Array; range?: [number, number] }[];
  /** Step, seconds, reused, run prefix. */
  steps: { name: string; seconds: number | null; reused: boolean; runPrefix: string }[];
  parameters: [string, Cell][];
  inputs: { name: string; uri: string; sha256: string; bytes: number }[];
  sources: { name: string; description: string; licence?: string }[];
  method: string[];
  footer: string;
}

export function hazardReportHtml(content: HazardReportContent): string {
  const sections: ReportSection[] = [
    {
      heading: "Summary",
      blocks: [
        { kind: "definitions", entries: content.facts },
        { kind: "table", caption: "Hazard classes", ...content.classTable },
      ],
    },
    { heading: "Maps", blocks: [{ kind: "figures", images: content.maps }] },
    {
      heading: "Distributions over the area",
      blocks: content.histograms.map(
        (h): ReportBlock => ({
          kind: "histogram",
          title: h.title,
          xLabel: h.xLabel,
          values: h.values,
          range: h.range,
        }),
      ),
    },
    { heading: "Method", blocks: content.method.map((text): ReportBlock => ({ kind: "text", text })) },
    { heading: "Parameters", blocks: [{ kind: "definitions", entries: content.parameters }] },
    {
      heading: "Steps and timings",
      blocks: [
        {
          kind: "table",
          columns: ["step", "seconds", "computed or reused", "results"],
          rows: content.steps.map((s) => [
            s.name,
            s.seconds,
            s.reused ? "reused (same inputs)" : "computed",
            s.runPrefix,
          ]),
          caption:
            "Wall-clock seconds per step. Terrain, kriging, ground motion and susceptibility run in parallel, so their times overlap; a reused step is the result of an earlier run with identical inputs.",
        },
      ],
    },
    {
      heading: "Inputs and data sources",
      blocks: [
        {
          kind: "table",
          columns: ["input", "object", "bytes", "sha256"],
          rows: content.inputs.map((i) => [i.name, i.uri, i.bytes, i.sha256]),
        },
        ...(content.sources.length > 0
          ? [
              {
                kind: "table" as const,
                columns: ["data", "description", "licence"],
                rows: content.sources.map((s) => [s.name, s.description, s.licence ?? "-"]),
              },
            ]
          : []),
      ],
    },
  ];
  return buildReport({ title: content.title, subtitle: content.subtitle, sections, footer: content.footer });
}
