import { writeFile } from "node:fs/promises";
import { PNG } from "pngjs";
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyphFor, textWidth } from "../raster/font5x7.ts";
import { formatValue } from "../raster/preview.ts";
import { semivariance, type VariogramModel } from "./models.ts";
import type { VariogramBin } from "./variogram.ts";

type Rgb = [number, number, number];
const WIDTH = 640;
const HEIGHT = 440;
const MARGIN = { left: 70, right: 20, top: 36, bottom: 50 };
const POINT_COLOUR: Rgb = [31, 119, 180];
const LINE_COLOUR: Rgb = [214, 39, 40];

/**
 * PNG of the empirical variogram (blue squares, one per bin) and the model (red curve), with axes,
 * tick values, axis names and the model text as title. Distances start at 0; semivariance at 0.
 */
export async function writeVariogramPng(path: string, bins: VariogramBin[], model: VariogramModel, cutoff: number): Promise<void> {
  const png = new PNG({ width: WIDTH, height: HEIGHT });
  fill(png, 0, 0, WIDTH, HEIGHT, [255, 255, 255]);
  const maxGamma = Math.max(...bins.map((b) => b.gamma), model.nugget + model.psill) * 1.1;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (distance: number) => MARGIN.left + (distance / cutoff) * plotWidth;
  const py = (gamma: number) => MARGIN.top + plotHeight - (gamma / maxGamma) * plotHeight;
  fill(png, MARGIN.left, MARGIN.top + plotHeight, plotWidth, 1, [0, 0, 0]);
  fill(png, MARGIN.left, MARGIN.top, 1, plotHeight, [0, 0, 0]);
  for (let tick = 0; tick <= 4; tick++) {
    const distance = (cutoff * tick) / 4;
    const gamma = (maxGamma * tick) / 4;
    const xLabel = formatValue(distance);
    const yLabel = formatValue(gamma);
    fill(png, Math.round(px(distance)), MARGIN.top + plotHeight, 1, 5, [0, 0, 0]);
    text(png, xLabel, Math.round(px(distance) - textWidth(xLabel, 1) / 2), MARGIN.top + plotHeight + 8);
    fill(png, MARGIN.left - 5, Math.round(py(gamma)), 5, 1, [0, 0, 0]);
    text(png, yLabel, MARGIN.left - 8 - textWidth(yLabel, 1), Math.round(py(gamma)) - 3);
  }
  text(png, "distance (map units)", MARGIN.left + plotWidth / 2 - 60, HEIGHT - 20);
  text(png, "semivariance", 4, MARGIN.top - 14);
  text(png, `model ${formatModelShort(model)}`, MARGIN.left + 20, 10);
  let previous: [number, number] | undefined;
  for (let column = 0; column <= plotWidth; column++) {
    const distance = (column / plotWidth) * cutoff;
    const point: [number, number] = [MARGIN.left + column, Math.round(py(semivariance(model, distance)))];
    if (previous) line(png, previous, point, LINE_COLOUR);
    previous = point;
  }
  for (const bin of bins) fill(png, Math.round(px(bin.dist)) - 3, Math.round(py(bin.gamma)) - 3, 7, 7, POINT_COLOUR);
  await writeFile(path, PNG.sync.write(png));
}

function formatModelShort(model: VariogramModel): string {
  const kappa = model.type === "mat" ? ` kappa ${formatValue(model.kappa)}` : "";
  return `${model.type} nugget ${formatValue(model.nugget)} psill ${formatValue(model.psill)} range ${formatValue(model.range)}${kappa}`;
}

function fill(png: PNG, x0: number, y0: number, w: number, h: number, rgb: Rgb): void {
  for (let y = Math.max(0, y0); y < Math.min(png.height, y0 + h); y++) {
    for (let x = Math.max(0, x0); x < Math.min(png.width, x0 + w); x++) {
      const at = (y * png.width + x) * 4;
      png.data[at] = rgb[0];
      png.data[at + 1] = rgb[1];
      png.data[at + 2] = rgb[2];
      png.data[at + 3] = 255;
    }
  }
}

/** A straight segment by stepping along its longer axis. */
function line(png: PNG, [x0, y0]: [number, number], [x1, y1]: [number, number], rgb: Rgb): void {
  const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
  for (let s = 0; s <= steps; s++) {
    const x = Math.round(x0 + ((x1 - x0) * s) / steps);
    const y = Math.round(y0 + ((y1 - y0) * s) / steps);
    fill(png, x, y, 2, 2, rgb);
  }
}

function text(png: PNG, value: string, x0: number, y0: number): void {
  for (let i = 0; i < value.length; i++) {
    const glyph = glyphFor(value[i]);
    for (let column = 0; column < GLYPH_WIDTH; column++) {
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        if ((glyph[column] >> row) & 1) fill(png, Math.round(x0) + i * GLYPH_ADVANCE + column, y0 + row, 1, 1, [0, 0, 0]);
      }
    }
  }
}
