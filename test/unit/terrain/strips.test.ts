import assert from "node:assert/strict";
import { test } from "node:test";
import { bandAsFloat32, readRaster, readRasterInfo } from "../../../core/raster/index.ts";
import { computeStrip } from "../../../core/terrain/kernel.ts";
import { readDemStrips } from "../../../core/terrain/strips.ts";
import { computeWhole, emptyBands } from "./fixtures.ts";

// ta.tif stores 1-row strips (so reads of 50 rows), dem.tif 256 x 256 tiles (reads of 256 rows):
// both make several reads, whose carried halo rows must give exactly the one-pass result.
const layouts = [
  { path: "data/ecuador/ta.tif", band: 3, cellsPerRead: 383 * 50 },
  { path: "data/ecuador/dem.tif", band: 0, cellsPerRead: 1 },
];

for (const { path, band, cellsPerRead } of layouts) {
  test(`streaming ${path} in several reads equals computing it whole`, async () => {
    const info = await readRasterInfo(path);
    const { width, height } = info;
    const dem = bandAsFloat32(await readRaster(path, { bands: [band] }));
    const whole = computeWhole(dem, width, height, { computeEdges: true });
    const streamed = emptyBands(width * height);
    let strips = 0;
    let rowsRead = 0;
    for await (const strip of readDemStrips(path, info, band, cellsPerRead)) {
      const out = emptyBands((strip.rowEnd - strip.rowStart) * width);
      const cellSize = new Float64Array(height).fill(10);
      computeStrip(
        {
          ...strip,
          width,
          demHeight: height,
          cellWidth: cellSize,
          cellHeight: cellSize,
          method: "horn",
          computeEdges: true,
        },
        out,
      );
      streamed.slope.set(out.slope, strip.rowStart * width);
      streamed.curvatureProfile.set(out.curvatureProfile, strip.rowStart * width);
      rowsRead += strip.newRows.length / width;
      strips++;
    }
    assert.ok(strips >= 2, `only ${strips} strip(s)`);
    assert.equal(rowsRead, height, "every row is read exactly once");
    assert.deepEqual(streamed.slope, whole.slope);
    assert.deepEqual(streamed.curvatureProfile, whole.curvatureProfile);
  });
}
