import assert from "node:assert/strict";
import { test } from "node:test";
import type { Grid } from "../../../core/raster/types.ts";
import { shade } from "../../../dashboard/server/hillshade.ts";
import { paintTile, sampleTile } from "../../../dashboard/server/render.ts";
import { levelFor, tileBox, tileGridFor, windowFor } from "../../../dashboard/server/tile-grid.ts";

const grid: Grid = {
  width: 383,
  height: 415,
  transform: [711_962.7, 10, 0, 9_561_011.8, 0, -10],
  crs: { epsg: 32717, geographic: false },
};

test("the tile pyramid covers the rasters from one zoom-0 tile down to 4x4 pixels per finest cell", () => {
  const pyramid = tileGridFor([grid]);
  assert.equal(pyramid.resolution0, 4150 / 256); // the longer side (415 rows x 10 m) over 256 px
  assert.equal(pyramid.resolution0 / 2 ** (pyramid.maxZoom - 2) <= 10, true);
  assert.equal(pyramid.resolution0 / 2 ** (pyramid.maxZoom - 3) > 10, true);
  assert.equal(tileBox(pyramid, 0, 1, 0), undefined);
  assert.equal(tileBox(pyramid, pyramid.maxZoom + 1, 0, 0), undefined);
  const box = tileBox(pyramid, 1, 1, 0)!;
  assert.deepEqual([box.left, box.top], [711_962.7 + 2075, 9_561_011.8]);
});

test("a tile reads the coarsest overview whose cells are no larger than its pixels", () => {
  const levels = [10, 20, 40, 80].map((cell) => ({
    ...grid,
    transform: [0, cell, 0, 0, 0, -cell] as Grid["transform"],
  }));
  assert.equal(levelFor(levels, 5), 0);
  assert.equal(levelFor(levels, 25), 1);
  assert.equal(levelFor(levels, 40), 2);
  assert.equal(levelFor(levels, 1000), 3);
});

test("each tile pixel takes the cell under its centre; pixels off the raster stay clear", () => {
  const level: Grid = { width: 4, height: 2, transform: [0, 10, 0, 20, 0, -10], crs: grid.crs };
  const values = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  const box = { left: -10, top: 20, pixelSize: 5, size: 4 }; // 20 m square from x = -10: column 0, rows 0-1
  const window = windowFor(level, box)!;
  assert.deepEqual(window, { x0: 0, y0: 0, width: 1, height: 2 });
  const all = { values, window: { x0: 0, y0: 0, width: 4, height: 2 }, level };
  const out = new Float32Array(16);
  sampleTile(all, box, out);
  assert.deepEqual(Array.from(out.slice(0, 4)), [Number.NaN, Number.NaN, 1, 1]);
  const rgba = new Uint8Array(64);
  paintTile(
    out,
    { type: "ramp", table: new Uint8Array(768).fill(200), min: 0, max: 10, clearAtOrBelow: -1 },
    rgba,
  );
  assert.deepEqual([rgba[3], rgba[11]], [0, 255]);
});

test("hillshade of a plane: gdaldem's cos(sun, normal) for a slope facing the sun and one facing away", () => {
  const out = new Float32Array(3);
  // 45-degree slopes facing north-west (into the default sun at 315/45) and south-east; a flat cell.
  shade(Float32Array.from([45, 45, 0]), Float32Array.from([315, 135, Number.NaN]), out);
  // Facing the sun: the normal is the sun's direction, cos = 1 -> 255. Away: cos = 0 -> 1.
  // Flat: cos = sin(45 deg) -> 1 + 254 * 0.7071 = 180.6 -> 181.
  assert.deepEqual(Array.from(out), [255, 1, 181]);
});

test("slope shading (no DEM): the hillshade's light from above only, steeper is darker", () => {
  const out = new Float32Array(3);
  shade(Float32Array.from([0, 45, 90]), new Float32Array(3).fill(Number.NaN), out);
  // 1 + 254 sin(45 deg) cos(slope): 181, 128, 1.
  assert.deepEqual(Array.from(out), [181, 128, 1]);
});
