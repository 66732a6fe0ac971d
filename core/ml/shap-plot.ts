import { BLACK, Canvas, type Rgb } from "../plot/canvas.ts";
import { GLYPH_ADVANCE } from "../raster/font5x7.ts";

const WIDTH = 900;
const LEFT = 230;
const RIGHT = 30;
const TOP = 50;
const ROW = 44;
const BOTTOM = 60;
const TEXT_SCALE = 2;

/**
 * SHAP summary plot (as shap.summary_plot): one row per feature, sorted by mean |SHAP|; each
 * point is one inventory point at its SHAP value, coloured from blue (low feature value) to red
 * (high); the label gives the feature and its mean |SHAP|.
 */
export async function writeShapSummaryPng(
  path: string,
  featureNames: string[],
  shap: Float64Array,
  columns: ArrayLike<number>[],
  rowCount: number,
): Promise<void> {
  const p = featureNames.length;
  const meanAbs = featureNames.map((_, f) => {
    let sum = 0;
    for (let i = 0; i < rowCount; i++) sum += Math.abs(shap[i * p + f]);
    return sum / rowCount;
  });
  const order = featureNames.map((_, f) => f).sort((a, b) => meanAbs[b] - meanAbs[a]);
  let extent = 1e-12;
  for (const v of shap) extent = Math.max(extent, Math.abs(v));
  const height = TOP + ROW * p + BOTTOM;
  const canvas = new Canvas(WIDTH, height);
  const drawText = (text: string, x: number, y: number) => canvas.text(x, y, text, BLACK, TEXT_SCALE);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const xOf = (value: number) => Math.round(LEFT + ((value + extent) / (2 * extent)) * plotWidth);
  drawText("SHAP values (class-1 probability)", LEFT, 14);
  canvas.fillRect(xOf(0), TOP, 1, ROW * p, [150, 150, 150]);
  order.forEach((f, r) => {
    const y = TOP + r * ROW + ROW / 2;
    drawText(`${featureNames[f]}`, 8, y - 14);
    drawText(meanAbs[f].toPrecision(3), 8, y + 2);
    const ranks = rankFraction(columns[f], rowCount);
    for (let i = 0; i < rowCount; i++) {
      // Deterministic vertical jitter so overlapping points stay visible.
      const jitter = (((i * 2654435761) >>> 0) % 25) - 12;
      canvas.fillRect(xOf(shap[i * p + f]) - 1, y + jitter - 1, 3, 3, blueRed(ranks[i]));
    }
  });
  const axisY = TOP + ROW * p + 8;
  drawText((-extent).toPrecision(2), LEFT, axisY);
  drawText("0", xOf(0) - 5, axisY);
  const maxLabel = extent.toPrecision(2);
  drawText(maxLabel, WIDTH - RIGHT - maxLabel.length * GLYPH_ADVANCE * TEXT_SCALE, axisY);
  drawText("colour: feature value low (blue) to high (red)", LEFT, axisY + 24);
  await canvas.write(path);
}

function rankFraction(values: ArrayLike<number>, n: number): Float64Array {
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const rank = new Float64Array(n);
  order.forEach((row, k) => {
    rank[row] = n > 1 ? k / (n - 1) : 0.5;
  });
  return rank;
}

function blueRed(t: number): Rgb {
  return [
    Math.round(30 + 225 * t),
    Math.round(60 + 40 * (1 - Math.abs(2 * t - 1))),
    Math.round(255 - 225 * t),
  ];
}
