import type { PyramidReader } from "../../core/raster/pyramid.ts";
import { rampTable } from "../../core/raster/ramps.ts";
import type { Legend } from "../api-types.ts";
import type { LayerStyle } from "./layer-kinds.ts";
import type { Colouring } from "./render.ts";

export type { Legend };

/** Colour stops the page interpolates for its colour bar (the ramp's table, sampled). */
const LEGEND_STOPS = 11;
/** Enough cells for stable percentiles, few enough to read at once. */
const SAMPLE_CELLS = 256 * 256;
/** Low to high hazard: green, yellow, orange, red, dark red (ColorBrewer RdYlGn reversed). */
const CLASS_COLOURS: [number, number, number][] = [
  [26, 152, 80],
  [145, 207, 96],
  [254, 224, 139],
  [252, 141, 89],
  [215, 48, 39],
  [127, 0, 0],
];
const MAX_CLASSES = 12;

export async function legendFor(style: LayerStyle, files: { reader: PyramidReader }[]): Promise<Legend> {
  if (style.categorical) {
    const labelled = Object.entries(style.classLabels ?? {}).map(([value, label]) => ({
      value: Number(value),
      label,
    }));
    const values = new Set<number>();
    if (labelled.length === 0) for (const { reader } of files) await distinctClasses(reader, values);
    const classes = labelled.length
      ? labelled
      : [...values]
          .sort((a, b) => a - b)
          .slice(0, MAX_CLASSES)
          .map((value) => ({ value, label: `class ${value}` }));
    return {
      type: "classes",
      units: style.units,
      classes: classes.map((item, rank) => ({
        ...item,
        colour: hex(
          CLASS_COLOURS[Math.round((rank / Math.max(1, classes.length - 1)) * (CLASS_COLOURS.length - 1))],
        ),
      })),
    };
  }
  const [min, max] = style.range ?? (await percentileRange(files.map((f) => f.reader)));
  const table = rampTable(style.ramp);
  const colours = Array.from({ length: LEGEND_STOPS }, (_, i) => {
    const at = Math.round((i / (LEGEND_STOPS - 1)) * 255) * 3;
    return hex([table[at], table[at + 1], table[at + 2]]);
  });
  return { type: "ramp", min, max, units: style.units, colours, clearAtMin: style.clearAtMin === true };
}

/** The tile colouring that matches a legend. */
export function colouringOf(style: LayerStyle, legend: Legend): Colouring {
  if (legend.type === "classes") {
    return {
      type: "classes",
      colours: new Map(legend.classes.map((c) => [c.value, rgb(c.colour)])),
    };
  }
  return {
    type: "ramp",
    table: rampTable(style.ramp),
    min: legend.min,
    max: legend.max,
    clearAtOrBelow: legend.clearAtMin ? legend.min : Number.NEGATIVE_INFINITY,
  };
}

/**
 * 2nd and 98th percentiles over the files (a coarse overview of each): one cell of a curvature
 * spike would otherwise stretch the ramp over values almost no cell has.
 */
async function percentileRange(readers: PyramidReader[]): Promise<[number, number]> {
  const parts: Float32Array[] = [];
  for (const reader of readers) {
    const level = coarsestWith(reader, SAMPLE_CELLS);
    const grid = reader.levels[level];
    parts.push(await reader.readBand(level, { x0: 0, y0: 0, width: grid.width, height: grid.height }));
  }
  const finite = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let count = 0;
  for (const part of parts) for (const v of part) if (Number.isFinite(v)) finite[count++] = v;
  if (count === 0) return [0, 1];
  const sorted = finite.subarray(0, count).sort();
  const low = sorted[Math.floor(0.02 * (count - 1))];
  const high = sorted[Math.ceil(0.98 * (count - 1))];
  return high > low ? [low, high] : [low, low + 1];
}

/** Classes must come from full-resolution cells (overviews average them into non-classes): strip by strip. */
async function distinctClasses(reader: PyramidReader, into: Set<number>): Promise<void> {
  const grid = reader.levels[0];
  const rows = Math.max(1, Math.floor((16 * SAMPLE_CELLS) / grid.width));
  for (let y0 = 0; y0 < grid.height && into.size <= MAX_CLASSES; y0 += rows) {
    const strip = await reader.readBand(0, {
      x0: 0,
      y0,
      width: grid.width,
      height: Math.min(rows, grid.height - y0),
    });
    for (const v of strip) if (!Number.isNaN(v)) into.add(Math.round(v));
  }
}

function coarsestWith(reader: PyramidReader, cells: number): number {
  let chosen = 0;
  reader.levels.forEach((grid, k) => {
    if (grid.width * grid.height >= cells) chosen = k;
  });
  return chosen;
}

function hex([r, g, b]: [number, number, number]): string {
  return `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

function rgb(colour: string): [number, number, number] {
  return [1, 3, 5].map((i) => Number.parseInt(colour.slice(i, i + 2), 16)) as [number, number, number];
}
