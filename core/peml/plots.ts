import type { CalibrationBin } from "../ml/metrics.ts";
import { BLACK, Canvas, type Rgb } from "../plot/canvas.ts";
import { GLYPH_ADVANCE } from "../raster/font5x7.ts";

const GREY: Rgb = [160, 160, 160];
const BLUE: Rgb = [40, 90, 200];
const TEXT = 2;
const textWidth = (text: string, scale = TEXT) => text.length * GLYPH_ADVANCE * scale;

const PANEL_WIDTH = 300;
const PANEL_HEIGHT = 220;
const PANEL_COLUMNS = 4;
const MARGIN = 40;

/**
 * SHAP dependence plots (as shap.dependence_plot, without the colouring): one panel per covariate,
 * ordered by mean |SHAP|, the covariate's value across, its SHAP value up, on one vertical scale
 * shared by all panels so that their heights compare.
 */
export async function writeDependencePng(
  path: string,
  title: string,
  names: string[],
  values: Float64Array,
  columns: ArrayLike<number>[],
  pointCount: number,
  meanAbs: number[],
): Promise<void> {
  const p = names.length;
  const order = names.map((_, j) => j).sort((a, b) => meanAbs[b] - meanAbs[a]);
  let extent = 1e-12;
  for (const v of values) if (Number.isFinite(v)) extent = Math.max(extent, Math.abs(v));
  const rows = Math.ceil(p / PANEL_COLUMNS);
  const canvas = new Canvas(PANEL_COLUMNS * PANEL_WIDTH, 50 + rows * PANEL_HEIGHT);
  canvas.text(12, 14, title, BLACK, TEXT);
  order.forEach((j, k) => {
    const left = (k % PANEL_COLUMNS) * PANEL_WIDTH + MARGIN + 20;
    const top = 50 + Math.floor(k / PANEL_COLUMNS) * PANEL_HEIGHT + 24;
    const width = PANEL_WIDTH - MARGIN - 40;
    const height = PANEL_HEIGHT - 70;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < pointCount; i++) {
      lo = Math.min(lo, columns[j][i]);
      hi = Math.max(hi, columns[j][i]);
    }
    const span = hi > lo ? hi - lo : 1;
    canvas.text(left - 40, top - 20, `${k + 1}. ${names[j]}  ${meanAbs[j].toPrecision(3)}`, BLACK, TEXT);
    canvas.line(left, top, left, top + height, GREY);
    canvas.line(left, top + height / 2, left + width, top + height / 2, GREY);
    for (let i = 0; i < pointCount; i++) {
      const x = left + ((columns[j][i] - lo) / span) * width;
      const y = top + height / 2 - (values[i * p + j] / extent) * (height / 2);
      canvas.fillRect(Math.round(x) - 1, Math.round(y) - 1, 3, 3, BLUE);
    }
    canvas.text(left, top + height + 6, formatNumber(lo), BLACK, 1);
    const hiLabel = formatNumber(hi);
    canvas.text(left + width - textWidth(hiLabel, 1), top + height + 6, hiLabel, BLACK, 1);
  });
  canvas.text(
    12,
    34,
    `vertical scale: SHAP value from -${extent.toPrecision(2)} to +${extent.toPrecision(2)}; panels by mean absolute SHAP`,
    BLACK,
    1,
  );
  await canvas.write(path);
}

/** Reliability diagram: mean predicted probability vs observed landslide rate per bin, with the diagonal. */
export async function writeCalibrationPng(
  path: string,
  bins: CalibrationBin[],
  title: string,
): Promise<void> {
  const size = 420;
  const left = 70;
  const top = 70;
  const canvas = new Canvas(left + size + 40, top + size + 70);
  canvas.text(12, 14, title, BLACK, TEXT);
  const xOf = (v: number) => left + v * size;
  const yOf = (v: number) => top + (1 - v) * size;
  canvas.line(xOf(0), yOf(0), xOf(1), yOf(0), BLACK);
  canvas.line(xOf(0), yOf(0), xOf(0), yOf(1), BLACK);
  canvas.line(xOf(0), yOf(0), xOf(1), yOf(1), GREY);
  for (const tick of [0, 0.5, 1]) {
    canvas.text(xOf(tick) - 8, yOf(0) + 8, tick.toFixed(1), BLACK, TEXT);
    canvas.text(left - 44, yOf(tick) - 7, tick.toFixed(1), BLACK, TEXT);
  }
  canvas.text(left + 60, yOf(0) + 34, "mean predicted P(f)", BLACK, TEXT);
  canvas.text(12, top - 30, "observed landslide rate", BLACK, TEXT);
  const total = bins.reduce((sum, b) => sum + b.count, 0);
  let previous: [number, number] | undefined;
  for (const b of bins) {
    if (b.count === 0) continue;
    const point: [number, number] = [xOf(b.meanPredicted), yOf(b.observedRate)];
    if (previous) canvas.line(previous[0], previous[1], point[0], point[1], BLUE, 2);
    // Marker area grows with the bin's share of the points.
    const radius = Math.max(2, Math.round(3 + 12 * Math.sqrt(b.count / total)));
    canvas.fillRect(
      Math.round(point[0]) - radius,
      Math.round(point[1]) - radius,
      2 * radius + 1,
      2 * radius + 1,
      BLUE,
    );
    previous = point;
  }
  await canvas.write(path);
}

function formatNumber(v: number): string {
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : v.toPrecision(3);
}
