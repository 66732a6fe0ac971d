import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { bandAsFloat32, openPyramid, readRaster, writeCog } from "../../../core/raster/index.ts";
import { fixture, gdalViews } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "pyramid-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("level 0 of a GDAL COG reads as the ordinary reader does; its overviews have GDAL's sizes", async () => {
  const path = fixture("gdal_cog_deflate.tif");
  const pyramid = await openPyramid(path);
  try {
    const gdal = gdalViews["gdal_cog_deflate.tif"];
    // gdalinfo: "Size is 37, 23 ... Overviews: 18x11, 9x5"
    assert.deepEqual(
      pyramid.levels.map((l) => [l.width, l.height]),
      [
        [37, 23],
        [18, 11],
        [9, 5],
      ],
    );
    const full = await pyramid.readBand(0, { x0: 0, y0: 0, width: 37, height: 23 });
    const reference = bandAsFloat32(await readRaster(path));
    assert.deepEqual(Array.from(full), Array.from(reference));
    assert.equal(gdal.width, 37);
    // An overview spans the same extent: its cell is width0/width1 times larger (GDAL's rule).
    const [ox, px, , oy, , py] = pyramid.levels[1].transform;
    assert.deepEqual([ox, oy], [gdal.geotransform[0], gdal.geotransform[3]]);
    assert.ok(Math.abs(px - (10 * 37) / 18) < 1e-9 && Math.abs(py + (10 * 23) / 11) < 1e-9);
  } finally {
    pyramid.close();
  }
});

test("our COG's first overview is the 2x2 mean of the raster, read window by window", async () => {
  const [width, height] = [600, 520]; // more than one 256 tile per level, odd halves
  const values = new Float32Array(width * height);
  for (let i = 0; i < values.length; i++) values[i] = (i % width) * 0.5 + Math.floor(i / width) * 3;
  values[7] = Number.NaN;
  const path = join(dir, "ramp.tif");
  await writeCog(path, {
    width,
    height,
    transform: [500_000, 10, 0, 9_800_000, 0, -10],
    crs: { epsg: 32717, geographic: false },
    bands: [values],
    nodata: Number.NaN,
  });
  const pyramid = await openPyramid(path);
  try {
    assert.ok(pyramid.levels.length >= 2);
    const level1 = pyramid.levels[1];
    assert.deepEqual([level1.width, level1.height], [300, 260]);
    const window = { x0: 120, y0: 200, width: 40, height: 50 };
    const read = await pyramid.readBand(1, window);
    for (let r = 0; r < window.height; r++) {
      for (let c = 0; c < window.width; c++) {
        const [col, row] = [2 * (window.x0 + c), 2 * (window.y0 + r)];
        const cells = [0, 1, width, width + 1].map((d) => values[row * width + col + d]);
        const mean = Math.fround(cells.reduce((a, b) => a + b, 0) / 4);
        assert.ok(Math.abs(read[r * window.width + c] - mean) <= 1e-3, `cell ${c},${r}`);
      }
    }
    // The NaN cell at (7, 0) is left out of its block's mean, not propagated.
    const corner = await pyramid.readBand(1, { x0: 3, y0: 0, width: 1, height: 1 });
    assert.ok(Math.abs(corner[0] - (values[6] + values[width + 6] + values[width + 7]) / 3) < 1e-3);
    await assert.rejects(pyramid.readBand(1, { x0: 290, y0: 0, width: 20, height: 1 }), RangeError);
  } finally {
    pyramid.close();
  }
});
