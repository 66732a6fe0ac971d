import { BLACK, Canvas, type Rgb } from "../plot/canvas.ts";
import { textWidth } from "../raster/font5x7.ts";
import { formatValue } from "../util/format-value.ts";
import { semivariance, type VariogramModel } from "./models.ts";
import type { VariogramBin } from "./variogram.ts";

const WIDTH = 640;
const HEIGHT = 440;
const MARGIN = { left: 70, right: 20, top: 36, bottom: 50 };
const POINT_COLOUR: Rgb = [31, 119, 180];
const LINE_COLOUR: Rgb = [214, 39, 40];

/**
 * PNG of the empirical variogram (blue squares, one per bin) and the model (red curve), with axes,
 * tick values, axis names and the model text as title. Distances start at 0; semivariance at 0.
 */
export async function writeVariogramPng(
  path: string,
  bins: VariogramBin[],
  model: VariogramModel,
  cutoff: number,
): Promise<void> {
  const canvas = new Canvas(WIDTH, HEIGHT);
  const maxGamma = Math.max(...bins.map((b) => b.gamma), model.nugget + model.psill) * 1.1;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (distance: number) => MARGIN.left + (distance / cutoff) * plotWidth;
  const py = (gamma: number) => MARGIN.top + plotHeight - (gamma / maxGamma) * plotHeight;
  canvas.fillRect(MARGIN.left, MARGIN.top + plotHeight, plotWidth, 1, BLACK);
  canvas.fillRect(MARGIN.left, MARGIN.top, 1, plotHeight, BLACK);
  for (let tick = 0; tick <= 4; tick++) {
    const distance = (cutoff * tick) / 4;
    const gamma = (maxGamma * tick) / 4;
    const xLabel = formatValue(distance);
    const yLabel = formatValue(gamma);
    canvas.fillRect(Math.round(px(distance)), MARGIN.top + plotHeight, 1, 5, BLACK);
    canvas.text(Math.round(px(distance) - textWidth(xLabel, 1) / 2), MARGIN.top + plotHeight + 8, xLabel);
    canvas.fillRect(MARGIN.left - 5, Math.round(py(gamma)), 5, 1, BLACK);
    canvas.text(MARGIN.left - 8 - textWidth(yLabel, 1), Math.round(py(gamma)) - 3, yLabel);
  }
  canvas.text(MARGIN.left + plotWidth / 2 - 60, HEIGHT - 20, "distance (map units)");
  canvas.text(4, MARGIN.top - 14, "semivariance");
  canvas.text(MARGIN.left + 20, 10, `model ${formatModelShort(model)}`);
  let previous: number | undefined;
  for (let column = 0; column <= plotWidth; column++) {
    const y = Math.round(py(semivariance(model, (column / plotWidth) * cutoff)));
    if (previous !== undefined)
      canvas.line(MARGIN.left + column - 1, previous, MARGIN.left + column, y, LINE_COLOUR, 2);
    previous = y;
  }
  for (const bin of bins)
    canvas.fillRect(Math.round(px(bin.dist)) - 3, Math.round(py(bin.gamma)) - 3, 7, 7, POINT_COLOUR);
  await canvas.write(path);
}

function formatModelShort(model: VariogramModel): string {
  const kappa = model.type === "mat" ? ` kappa ${formatValue(model.kappa)}` : "";
  return `${model.type} nugget ${formatValue(model.nugget)} psill ${formatValue(model.psill)} range ${formatValue(model.range)}${kappa}`;
}
