import { PNG } from "pngjs";
import type { Window } from "../../core/raster/read.ts";
import type { Grid } from "../../core/raster/types.ts";
import type { TileBox } from "./tile-grid.ts";

/** Values of one window of one pyramid level (NaN = nodata). */
export interface WindowValues {
  values: Float32Array;
  window: Window;
  level: Grid;
}

/** How values become colours: a 256-entry RGB ramp over [min, max], or one colour per class. */
export type Colouring =
  | { type: "ramp"; table: Uint8Array; min: number; max: number; clearAtOrBelow: number }
  | { type: "classes"; colours: Map<number, [number, number, number]> }
  | { type: "grey" };

/**
 * Nearest cell of `source` at the centre of each tile pixel (row-major, box.size squared); NaN
 * where the pixel falls outside the window. North-up grids only (the catalog refuses others).
 */
export function sampleTile(source: WindowValues, box: TileBox, out: Float32Array): void {
  const { values, window, level } = source;
  const [ox, px, , oy, , py] = level.transform;
  const size = box.size;
  // Column (fractional) of pixel i: a + i * step; the same for rows.
  const colStep = box.pixelSize / px;
  const colStart = (box.left + 0.5 * box.pixelSize - ox) / px - window.x0;
  const rowStep = -box.pixelSize / py;
  const rowStart = (box.top - 0.5 * box.pixelSize - oy) / py - window.y0;
  for (let j = 0; j < size; j++) {
    const row = Math.floor(rowStart + j * rowStep);
    const inRow = row >= 0 && row < window.height;
    for (let i = 0; i < size; i++) {
      const col = Math.floor(colStart + i * colStep);
      out[j * size + i] =
        inRow && col >= 0 && col < window.width ? values[row * window.width + col] : Number.NaN;
    }
  }
}

/** RGBA pixels of sampled values: NaN (and values with no class) transparent. */
export function paintTile(samples: Float32Array, colouring: Colouring, rgba: Uint8Array): void {
  rgba.fill(0);
  const span = colouring.type === "ramp" ? colouring.max - colouring.min : 0;
  for (let p = 0; p < samples.length; p++) {
    const v = samples[p];
    if (Number.isNaN(v)) continue;
    const at = p * 4;
    if (colouring.type === "ramp") {
      if (v <= colouring.clearAtOrBelow) continue;
      const t = span > 0 ? (v - colouring.min) / span : 0.5;
      const index = Math.round(Math.min(1, Math.max(0, t)) * 255) * 3;
      rgba[at] = colouring.table[index];
      rgba[at + 1] = colouring.table[index + 1];
      rgba[at + 2] = colouring.table[index + 2];
    } else if (colouring.type === "classes") {
      const colour = colouring.colours.get(Math.round(v));
      if (!colour) continue;
      rgba[at] = colour[0];
      rgba[at + 1] = colour[1];
      rgba[at + 2] = colour[2];
    } else {
      // Grey levels 1..255 (0 is a hillshade's nodata and has been made NaN).
      rgba[at] = v;
      rgba[at + 1] = v;
      rgba[at + 2] = v;
    }
    rgba[at + 3] = 255;
  }
}

/** One filter and zlib level 1, as the previews: tiles are made on demand and small anyway. */
export function encodePng(rgba: Uint8Array, size: number): Buffer {
  const png = new PNG({ width: size, height: size });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return PNG.sync.write(png, { filterType: 1, deflateLevel: 1 });
}

let emptyTile: Buffer | undefined;

/** A transparent tile, for tiles outside a raster. */
export function transparentTile(size: number): Buffer {
  emptyTile ??= encodePng(new Uint8Array(size * size * 4), size);
  return emptyTile;
}
