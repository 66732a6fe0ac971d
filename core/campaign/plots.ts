import { BLACK, Canvas, type Rgb } from "../plot/canvas.ts";
import { textWidth } from "../raster/font5x7.ts";
import { formatValue } from "../util/format-value.ts";

const WIDTH = 640;
const HEIGHT = 460;
const MARGIN = { left: 74, right: 24, top: 40, bottom: 56 };
const LINE_COLOUR: Rgb = [214, 39, 40];
/** One colour per group (Mw value), tab10-like; groups beyond it reuse the palette. */
const PALETTE: Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
];

export interface ScatterSeries {
  label: string;
  x: number[];
  y: number[];
  /** Join the points in x order (a mean per group). */
  connect?: boolean;
}

export interface ScatterPlot {
  title: string;
  xLabel: string;
  yLabel: string;
  logX: boolean;
  logY: boolean;
  series: ScatterSeries[];
  /** Straight lines in data coordinates (a fitted trend), drawn over the points. */
  lines?: { x: number[]; y: number[] }[];
}

/**
 * A scatter plot as PNG: axes with ticks (decades on log axes), one colour per series with a
 * legend, optional trend lines in red. Points outside a log axis' domain (≤ 0) are not drawn.
 */
export async function writeScatterPng(path: string, plot: ScatterPlot): Promise<void> {
  const canvas = new Canvas(WIDTH, HEIGHT);
  const transform = (value: number, log: boolean) => (log ? Math.log10(value) : value);
  const valid = (x: number, y: number) =>
    Number.isFinite(x) && Number.isFinite(y) && (!plot.logX || x > 0) && (!plot.logY || y > 0);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of plot.series)
    s.x.forEach((x, i) => {
      if (valid(x, s.y[i])) {
        xs.push(transform(x, plot.logX));
        ys.push(transform(s.y[i], plot.logY));
      }
    });
  const xRange = paddedRange(xs, plot.logX);
  const yRange = paddedRange(ys, plot.logY);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (value: number) =>
    MARGIN.left + ((transform(value, plot.logX) - xRange[0]) / (xRange[1] - xRange[0])) * plotWidth;
  const py = (value: number) =>
    MARGIN.top +
    plotHeight -
    ((transform(value, plot.logY) - yRange[0]) / (yRange[1] - yRange[0])) * plotHeight;
  canvas.fillRect(MARGIN.left, MARGIN.top + plotHeight, plotWidth, 1, BLACK);
  canvas.fillRect(MARGIN.left, MARGIN.top, 1, plotHeight, BLACK);
  for (const tick of ticks(xRange, plot.logX)) {
    const x = Math.round(MARGIN.left + ((tick - xRange[0]) / (xRange[1] - xRange[0])) * plotWidth);
    const label = formatValue(plot.logX ? 10 ** tick : tick);
    canvas.fillRect(x, MARGIN.top + plotHeight, 1, 5, BLACK);
    canvas.text(x - textWidth(label, 1) / 2, MARGIN.top + plotHeight + 8, label);
  }
  for (const tick of ticks(yRange, plot.logY)) {
    const y = Math.round(
      MARGIN.top + plotHeight - ((tick - yRange[0]) / (yRange[1] - yRange[0])) * plotHeight,
    );
    const label = formatValue(plot.logY ? 10 ** tick : tick);
    canvas.fillRect(MARGIN.left - 5, y, 5, 1, BLACK);
    canvas.text(MARGIN.left - 8 - textWidth(label, 1), y - 3, label);
  }
  canvas.text(MARGIN.left + plotWidth / 2 - textWidth(plot.xLabel, 1) / 2, HEIGHT - 22, plot.xLabel);
  canvas.text(6, MARGIN.top - 16, plot.yLabel);
  canvas.text(MARGIN.left + plotWidth / 2 - textWidth(plot.title, 1) / 2, 8, plot.title);
  plot.series.forEach((series, g) => {
    const colour = PALETTE[g % PALETTE.length];
    const order = series.x.map((_, i) => i).sort((a, b) => series.x[a] - series.x[b]);
    let previous: [number, number] | undefined;
    for (const i of order) {
      if (!valid(series.x[i], series.y[i])) continue;
      const [x, y] = [Math.round(px(series.x[i])), Math.round(py(series.y[i]))];
      canvas.fillRect(x - 2, y - 2, 5, 5, colour);
      if (series.connect && previous) canvas.line(previous[0], previous[1], x, y, colour);
      previous = [x, y];
    }
    const legendY = MARGIN.top + 4 + 12 * g;
    canvas.fillRect(WIDTH - MARGIN.right - 110, legendY, 7, 7, colour);
    canvas.text(WIDTH - MARGIN.right - 99, legendY, series.label);
  });
  for (const line of plot.lines ?? []) {
    for (let i = 1; i < line.x.length; i++) {
      if (!valid(line.x[i - 1], line.y[i - 1]) || !valid(line.x[i], line.y[i])) continue;
      canvas.line(px(line.x[i - 1]), py(line.y[i - 1]), px(line.x[i]), py(line.y[i]), LINE_COLOUR, 2);
    }
  }
  await canvas.write(path);
}

/** Data range with 5 % margins; a degenerate range is widened so the axis has extent. */
function paddedRange(values: number[], log: boolean): [number, number] {
  if (values.length === 0) return [0, 1];
  // A loop, not Math.min(...values): a study can have more points than a call has arguments.
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    lo = Math.min(lo, value);
    hi = Math.max(hi, value);
  }
  if (hi - lo < 1e-9) {
    lo -= log ? 0.5 : Math.max(1, Math.abs(lo) * 0.1);
    hi += log ? 0.5 : Math.max(1, Math.abs(hi) * 0.1);
  }
  const margin = 0.05 * (hi - lo);
  return [lo - margin, hi + margin];
}

/**
 * Tick positions (in transformed units): decades on a log axis spanning two or more, else the
 * 1-2-5 values inside it; on a linear axis multiples of the 1-2-5 step that gives about 5 ticks.
 */
function ticks(range: [number, number], log: boolean): number[] {
  if (log) {
    const decades: number[] = [];
    for (let d = Math.ceil(range[0]); d <= Math.floor(range[1]); d++) decades.push(d);
    if (decades.length >= 2) return decades;
    const values: number[] = [];
    for (let d = Math.floor(range[0]); d <= Math.ceil(range[1]); d++)
      for (const m of [1, 2, 5]) {
        const t = d + Math.log10(m);
        if (t >= range[0] && t <= range[1]) values.push(t);
      }
    return values;
  }
  const raw = (range[1] - range[0]) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step =
    [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw) ?? 10 * magnitude;
  const values: number[] = [];
  for (let t = Math.ceil(range[0] / step) * step; t <= range[1] + 1e-9 * step; t += step) values.push(t);
  return values;
}
