import { writeFile } from "node:fs/promises";
import { formatValue } from "../util/format-value.ts";
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyphFor, textWidth } from "./font5x7.ts";
import { encodeIndexedPng } from "./png.ts";
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
 * The previews are palette PNGs (png.ts): entry 0 transparent (nodata), 1 white and 2 black for
 * the legend, and the ramp's colours on the remaining 253 entries, so every ramp colour is within
 * one step of 256 of the value's exact colour.
 */
const TRANSPARENT = 0;
const WHITE = 1;
const BLACK = 2;
const FIRST_RAMP_ENTRY = 3;
const RAMP_STEPS = 256 - FIRST_RAMP_ENTRY - 1;

/** The palette's ramp entry of a position t in [0, 1] along the ramp. */
function rampEntry(t: number): number {
  return FIRST_RAMP_ENTRY + Math.round(Math.min(1, Math.max(0, t)) * RAMP_STEPS);
}

/** A drawing surface of palette indices. */
interface Canvas {
  width: number;
  height: number;
  pixels: Uint8Array;
}

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
  const height = map.height + legendHeight;
  const canvas: Canvas = { width, height, pixels: new Uint8Array(width * height).fill(TRANSPARENT) };
  paintMap(canvas, map, range);
  const legendTop = map.height;
  fillRect(canvas, 0, legendTop, width, legendHeight, WHITE);
  let y = legendTop + padding;
  if (options.title) {
    drawText(canvas, options.title, padding, y, scale);
    y += titleHeight;
  }
  const barWidth = width - 2 * padding;
  for (let x = 0; x < barWidth; x++)
    fillRect(canvas, padding + x, y, 1, barHeight, rampEntry(x / Math.max(1, barWidth - 1)));
  y += barHeight + 3 * scale;
  const [minLabel, maxLabel] = range ? [formatValue(range.min), formatValue(range.max)] : ["no data", ""];
  drawText(canvas, minLabel, padding, y, scale);
  drawText(canvas, maxLabel, width - padding - textWidth(maxLabel, scale), y, scale);
  if (options.units)
    drawText(canvas, options.units, Math.round((width - textWidth(options.units, scale)) / 2), y, scale);
  const png = await encodeIndexedPng({ ...canvas, ...paletteOf(rampTable(options.ramp ?? "viridis")) });
  await writeFile(path, png);
}

/** The preview palette for a ramp's 256-entry colour table. */
function paletteOf(table: Uint8Array): { palette: Uint8Array; alpha: Uint8Array } {
  const palette = new Uint8Array(256 * 3);
  palette.set([255, 255, 255], WHITE * 3); // BLACK and TRANSPARENT stay 0, 0, 0
  for (let step = 0; step <= RAMP_STEPS; step++) {
    const colour = Math.round((step / RAMP_STEPS) * 255);
    palette.set(table.subarray(colour * 3, colour * 3 + 3), (FIRST_RAMP_ENTRY + step) * 3);
  }
  const alpha = new Uint8Array(TRANSPARENT + 1).fill(255);
  alpha[TRANSPARENT] = 0;
  return { palette, alpha };
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

function paintMap(canvas: Canvas, map: ReducedMap, range: { min: number; max: number } | undefined): void {
  if (!range) return; // all nodata: stays transparent
  const span = range.max > range.min ? range.max - range.min : 0;
  // Row by row: a short function called often is optimised with all its feedback.
  for (let row = 0; row < map.height; row++)
    paintRow(map.values, row * map.width, map.width, canvas.pixels, row * canvas.width, range.min, span);
}

function paintRow(
  values: Float32Array,
  from: number,
  count: number,
  pixels: Uint8Array,
  to: number,
  min: number,
  span: number,
): void {
  for (let col = 0; col < count; col++) {
    const v = values[from + col];
    if (Number.isNaN(v)) continue; // stays transparent
    pixels[to + col] = rampEntry(span > 0 ? (v - min) / span : 0.5);
  }
}

function fillRect(canvas: Canvas, x0: number, y0: number, w: number, h: number, entry: number): void {
  for (let y = Math.max(0, y0); y < Math.min(canvas.height, y0 + h); y++) {
    const row = y * canvas.width;
    canvas.pixels.fill(entry, row + Math.max(0, x0), row + Math.min(canvas.width, x0 + w));
  }
}

function drawText(canvas: Canvas, text: string, x0: number, y0: number, scale: number): void {
  for (let i = 0; i < text.length; i++) {
    const glyph = glyphFor(text[i]);
    const left = x0 + i * GLYPH_ADVANCE * scale;
    for (let column = 0; column < GLYPH_WIDTH; column++) {
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        if ((glyph[column] >> row) & 1)
          fillRect(canvas, left + column * scale, y0 + row * scale, scale, scale, BLACK);
      }
    }
  }
}
