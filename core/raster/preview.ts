import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { PNG } from "pngjs";
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyphFor, textWidth } from "./font5x7.ts";
import { type RampName, rampTable } from "./ramps.ts";
import type { Grid } from "./types.ts";

export interface PreviewOptions {
  ramp?: RampName;
  title?: string;
  units?: string;
  /** Value drawn with the ramp's first colour; default the band's minimum. */
  min?: number;
  /** Value drawn with the ramp's last colour; default the band's maximum. */
  max?: number;
}

/** Longest side of the map part of a preview, in pixels. */
export const PREVIEW_MAX_SIDE = 1024;
const MIN_CANVAS_WIDTH = 260;
/**
 * One filter ("sub": identical neighbours become zeros) and zlib level 1 with pngjs's RLE
 * strategy: pngjs's default (all five filters tried per row, level 9) takes several times longer
 * for files only a few percent smaller. One deflate output chunk: one thread-pool round trip.
 */
const PNG_OPTIONS = { filterType: 1, deflateLevel: 1, deflateChunkSize: 4 * 1024 * 1024 };

/**
 * Writes a PNG preview of one band: block-averaged so that its long side is at most 1024 px,
 * coloured with a ramp between min and max (NaN transparent), and a legend below it with the
 * title, a colour bar, the min/max values and the units.
 */
export async function writePreviewPng(
  path: string,
  band: Float32Array,
  grid: Grid,
  options: PreviewOptions = {},
): Promise<void> {
  const map = reduce(band, grid.width, grid.height, PREVIEW_MAX_SIDE);
  const range = valueRange(band, options);
  const scale = map.width >= 600 ? 2 : 1;
  const lineHeight = (GLYPH_HEIGHT + 4) * scale;
  const barHeight = 10 * scale;
  const padding = 6 * scale;
  const titleHeight = options.title ? lineHeight : 0;
  const legendHeight = padding + titleHeight + barHeight + 3 * scale + lineHeight + padding;
  const width = Math.max(map.width, MIN_CANVAS_WIDTH * scale);
  const png = new PNG({ width, height: map.height + legendHeight, ...PNG_OPTIONS });
  const table = rampTable(options.ramp ?? "viridis");
  paintMap(png, map, range, table);
  const legendTop = map.height;
  fillRect(png, 0, legendTop, width, legendHeight, [255, 255, 255]);
  let y = legendTop + padding;
  if (options.title) {
    drawText(png, options.title, padding, y, scale);
    y += titleHeight;
  }
  const barWidth = width - 2 * padding;
  for (let x = 0; x < barWidth; x++) {
    const index = Math.round((x / Math.max(1, barWidth - 1)) * 255);
    const colour: [number, number, number] = [table[index * 3], table[index * 3 + 1], table[index * 3 + 2]];
    fillRect(png, padding + x, y, 1, barHeight, colour);
  }
  y += barHeight + 3 * scale;
  const [minLabel, maxLabel] = range ? [formatValue(range.min), formatValue(range.max)] : ["no data", ""];
  drawText(png, minLabel, padding, y, scale);
  drawText(png, maxLabel, width - padding - textWidth(maxLabel, scale), y, scale);
  if (options.units)
    drawText(png, options.units, Math.round((width - textWidth(options.units, scale)) / 2), y, scale);
  // Packed as a stream: zlib deflates in libuv's thread pool, so previews written at once
  // compress in parallel with each other and with the caller's work.
  await pipeline(png.pack(), createWriteStream(path));
}

interface ReducedMap {
  values: Float32Array;
  width: number;
  height: number;
}

/** Block means (NaN ignored) over factor x factor cells, factor chosen so the long side fits `maxSide`. */
function reduce(band: Float32Array, width: number, height: number, maxSide: number): ReducedMap {
  const factor = Math.max(1, Math.ceil(Math.max(width, height) / maxSide));
  if (factor === 1) return { values: band, width, height };
  const outWidth = Math.ceil(width / factor);
  const outHeight = Math.ceil(height / factor);
  const values = new Float32Array(outWidth * outHeight);
  const sums = new Float64Array(outWidth);
  const counts = new Uint32Array(outWidth);
  for (let outRow = 0; outRow < outHeight; outRow++) {
    sums.fill(0);
    counts.fill(0);
    const lastRow = Math.min(height, (outRow + 1) * factor);
    for (let row = outRow * factor; row < lastRow; row++) {
      for (let col = 0; col < width; col++) {
        const v = band[row * width + col];
        if (Number.isNaN(v)) continue;
        const outCol = Math.floor(col / factor);
        sums[outCol] += v;
        counts[outCol]++;
      }
    }
    for (let c = 0; c < outWidth; c++)
      values[outRow * outWidth + c] = counts[c] ? sums[c] / counts[c] : Number.NaN;
  }
  return { values, width: outWidth, height: outHeight };
}

function valueRange(band: Float32Array, options: PreviewOptions): { min: number; max: number } | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  if (options.min === undefined || options.max === undefined) {
    for (let i = 0; i < band.length; i++) {
      const v = band[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  min = options.min ?? min;
  max = options.max ?? max;
  return Number.isFinite(min) && Number.isFinite(max) ? { min, max } : undefined;
}

function paintMap(
  png: PNG,
  map: ReducedMap,
  range: { min: number; max: number } | undefined,
  table: Uint8Array,
): void {
  const span = range && range.max > range.min ? range.max - range.min : 0;
  for (let row = 0; row < map.height; row++) {
    for (let col = 0; col < map.width; col++) {
      const v = map.values[row * map.width + col];
      const at = (row * png.width + col) * 4;
      if (!range || Number.isNaN(v)) continue; // stays transparent
      const t = span > 0 ? (v - range.min) / span : 0.5;
      const index = Math.round(Math.min(1, Math.max(0, t)) * 255);
      png.data[at] = table[index * 3];
      png.data[at + 1] = table[index * 3 + 1];
      png.data[at + 2] = table[index * 3 + 2];
      png.data[at + 3] = 255;
    }
  }
}

function fillRect(
  png: PNG,
  x0: number,
  y0: number,
  w: number,
  h: number,
  rgb: [number, number, number],
): void {
  for (let y = y0; y < Math.min(png.height, y0 + h); y++) {
    for (let x = Math.max(0, x0); x < Math.min(png.width, x0 + w); x++) {
      const at = (y * png.width + x) * 4;
      png.data[at] = rgb[0];
      png.data[at + 1] = rgb[1];
      png.data[at + 2] = rgb[2];
      png.data[at + 3] = 255;
    }
  }
}

function drawText(png: PNG, text: string, x0: number, y0: number, scale: number): void {
  for (let i = 0; i < text.length; i++) {
    const glyph = glyphFor(text[i]);
    const left = x0 + i * GLYPH_ADVANCE * scale;
    for (let column = 0; column < GLYPH_WIDTH; column++) {
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        if ((glyph[column] >> row) & 1)
          fillRect(png, left + column * scale, y0 + row * scale, scale, scale, [0, 0, 0]);
      }
    }
  }
}

/** Four significant digits, without trailing zeros: 12.35, 0.0001234, 1.235e+6. */
export function formatValue(value: number): string {
  const text =
    Math.abs(value) >= 1e5 || (value !== 0 && Math.abs(value) < 1e-3)
      ? value.toExponential(3)
      : value.toPrecision(4);
  return text.replace(/(\.\d*?)0+(e|$)/, "$1$2").replace(/\.(e|$)/, "$1");
}
