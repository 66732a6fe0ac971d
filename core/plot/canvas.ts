import { writeFile } from "node:fs/promises";
import { PNG } from "pngjs";
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyphFor } from "../raster/font5x7.ts";

export type Rgb = [number, number, number];
export const BLACK: Rgb = [0, 0, 0];

/**
 * An opaque RGB drawing surface for the PNG plots (variogram, SHAP summary, surface PGA), white
 * to start with. Coordinates are pixels, x right and y down; whatever falls outside is clipped.
 */
export class Canvas {
  private readonly png: PNG;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.png = new PNG({ width, height });
    this.png.data.fill(255);
  }

  /** Fills the w x h rectangle whose top-left corner is (x0, y0), integer coordinates. */
  fillRect(x0: number, y0: number, w: number, h: number, colour: Rgb): void {
    for (let y = Math.max(0, y0); y < Math.min(this.height, y0 + h); y++) {
      for (let x = Math.max(0, x0); x < Math.min(this.width, x0 + w); x++) {
        const at = (y * this.width + x) * 4;
        this.png.data[at] = colour[0];
        this.png.data[at + 1] = colour[1];
        this.png.data[at + 2] = colour[2];
        this.png.data[at + 3] = 255;
      }
    }
  }

  /** A straight segment by stepping along its longer axis; each step is a thickness x thickness square (coordinates rounded). */
  line(x0: number, y0: number, x1: number, y1: number, colour: Rgb, thickness = 1): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let s = 0; s <= steps; s++) {
      const x = Math.round(x0 + ((x1 - x0) * s) / steps);
      const y = Math.round(y0 + ((y1 - y0) * s) / steps);
      this.fillRect(x, y, thickness, thickness, colour);
    }
  }

  /** Text in the 5x7 bitmap font, top-left corner at (x, y) (rounded), each font pixel scale x scale. */
  text(x: number, y: number, value: string, colour: Rgb = BLACK, scale = 1): void {
    const left = Math.round(x);
    const top = Math.round(y);
    for (let i = 0; i < value.length; i++) {
      const glyph = glyphFor(value[i]);
      for (let column = 0; column < GLYPH_WIDTH; column++) {
        for (let row = 0; row < GLYPH_HEIGHT; row++) {
          if ((glyph[column] >> row) & 1) {
            this.fillRect(
              left + (i * GLYPH_ADVANCE + column) * scale,
              top + row * scale,
              scale,
              scale,
              colour,
            );
          }
        }
      }
    }
  }

  toPngBuffer(): Buffer {
    return PNG.sync.write(this.png);
  }

  async write(path: string): Promise<void> {
    await writeFile(path, this.toPngBuffer());
  }
}
