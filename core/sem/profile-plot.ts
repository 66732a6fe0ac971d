import { BLACK, Canvas, type Rgb } from "../plot/canvas.ts";
import { GLYPH_HEIGHT } from "../raster/font5x7.ts";

const GREY: Rgb = [170, 170, 170];
const BLUE: Rgb = [31, 119, 180];
const ORANGE: Rgb = [230, 120, 20];
const BROWN: Rgb = [120, 90, 50];

const WIDTH = 900;
const PANEL_HEIGHT = 220;
const MARGIN_LEFT = 80;
const MARGIN_RIGHT = 20;
const TOP = 30;
const GAP = 40;

function format(value: number): string {
  return Math.abs(value) >= 1000 || (value !== 0 && Math.abs(value) < 0.01)
    ? value.toExponential(2)
    : value.toPrecision(3);
}

interface Series {
  values: ArrayLike<number>;
  colour: Rgb;
  label: string;
}

/** One panel: series against x, with the value range and the x range written on the axes. */
function panel(
  canvas: Canvas,
  top: number,
  x: ArrayLike<number>,
  series: Series[],
  title: string,
  xRange: [number, number],
): void {
  const left = MARGIN_LEFT;
  const right = WIDTH - MARGIN_RIGHT;
  const bottom = top + PANEL_HEIGHT;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      lo = Math.min(lo, s.values[i]);
      hi = Math.max(hi, s.values[i]);
    }
  }
  if (!(hi > lo)) {
    hi = lo + 1;
    lo -= 1;
  }
  const px = (value: number) => left + ((value - xRange[0]) / (xRange[1] - xRange[0])) * (right - left);
  const py = (value: number) => bottom - ((value - lo) / (hi - lo)) * PANEL_HEIGHT;
  canvas.line(left, top, left, bottom, GREY);
  canvas.line(left, bottom, right, bottom, GREY);
  canvas.text(left, top - 12, title);
  canvas.text(4, top, format(hi));
  canvas.text(4, bottom - GLYPH_HEIGHT, format(lo));
  let legendX = right - 200;
  for (const s of series) {
    for (let i = 1; i < x.length; i++)
      canvas.line(px(x[i - 1]), py(s.values[i - 1]), px(x[i]), py(s.values[i]), s.colour);
    if (series.length > 1) {
      canvas.line(legendX, top - 8, legendX + 15, top - 8, s.colour);
      canvas.text(legendX + 20, top - 12, s.label, s.colour);
      legendX += 100;
    }
  }
}

/**
 * surface_pga.png: the PGA of the surface receivers along the profile (x and z components, g)
 * above the free-surface elevation (m), on a shared distance axis, with the source marked.
 */
export async function writeSurfacePgaPng(
  path: string,
  profile: { x: ArrayLike<number>; pgaX: ArrayLike<number>; pgaZ: ArrayLike<number> },
  surface: { x: ArrayLike<number>; z: ArrayLike<number> },
  source: { x: number; z: number },
  title: string,
): Promise<void> {
  const height = TOP + 2 * PANEL_HEIGHT + GAP + 40;
  const canvas = new Canvas(WIDTH, height);
  const xRange: [number, number] = [surface.x[0], surface.x[surface.x.length - 1]];
  panel(
    canvas,
    TOP,
    profile.x,
    [
      { values: profile.pgaX, colour: BLUE, label: "PGA x" },
      { values: profile.pgaZ, colour: ORANGE, label: "PGA z" },
    ],
    `${title}: surface PGA (g)`,
    xRange,
  );
  const lowerTop = TOP + PANEL_HEIGHT + GAP;
  panel(
    canvas,
    lowerTop,
    surface.x,
    [{ values: surface.z, colour: BROWN, label: "surface" }],
    "free-surface elevation (m), + marks the source x",
    xRange,
  );
  const sourceX =
    MARGIN_LEFT + ((source.x - xRange[0]) / (xRange[1] - xRange[0])) * (WIDTH - MARGIN_LEFT - MARGIN_RIGHT);
  canvas.line(sourceX - 4, lowerTop + PANEL_HEIGHT - 4, sourceX + 4, lowerTop + PANEL_HEIGHT - 4, BLACK);
  canvas.line(sourceX, lowerTop + PANEL_HEIGHT - 8, sourceX, lowerTop + PANEL_HEIGHT, BLACK);
  const axisY = lowerTop + PANEL_HEIGHT + 6;
  canvas.text(MARGIN_LEFT, axisY, format(xRange[0]));
  canvas.text(WIDTH - MARGIN_RIGHT - 60, axisY, `${format(xRange[1])} m`);
  canvas.text(WIDTH / 2 - 40, axisY, "distance x (m)");
  await canvas.write(path);
}
