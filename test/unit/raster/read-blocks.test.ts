import assert from "node:assert/strict";
import { closeSync, openSync } from "node:fs";
import { test } from "node:test";
import { fromFile } from "geotiff";
import { readRasterInfo } from "../../../core/raster/index.ts";
import { readBlocks } from "../../../core/raster/read-blocks.ts";
import { fixture, gdalViews } from "./helpers.ts";

// readBlocks reads the file ranges of a window's blocks itself and copies decoded blocks with
// typed arrays, where geotiff.js reads every sample through a DataView: on each GDAL fixture it
// covers, it must give geotiff.js' own result, sample for sample, for the whole raster and for
// windows cutting blocks at every edge.

test("readBlocks equals geotiff.js' readRasters on every fixture it covers, whole and windowed", async () => {
  const covered: string[] = [];
  for (const name of Object.keys(gdalViews)) {
    const path = fixture(name);
    const info = await readRasterInfo(path);
    const tiff = await fromFile(path);
    const fd = openSync(path, "r");
    try {
      const image = await tiff.getImage(0);
      const bands = Array.from({ length: info.bandCount }, (_, b) => b).reverse();
      const windows = [
        { x0: 0, y0: 0, width: info.width, height: info.height },
        { x0: 3, y0: 5, width: Math.max(1, info.width - 7), height: Math.max(1, info.height - 11) },
        { x0: info.width - 1, y0: info.height - 1, width: 1, height: 1 },
      ];
      for (const window of windows) {
        const fast = await readBlocks(fd, image, info, bands, window);
        if (!fast) continue;
        const reference = (await image.readRasters({
          window: [window.x0, window.y0, window.x0 + window.width, window.y0 + window.height],
          samples: bands,
          interleave: false,
        })) as unknown as ArrayLike<unknown>[];
        for (const [b, band] of fast.entries())
          assert.deepEqual(band, reference[b], `${name} band ${bands[b]} ${JSON.stringify(window)}`);
        if (!covered.includes(name)) covered.push(name);
      }
    } finally {
      tiff.close();
      closeSync(fd);
    }
  }
  // Striped and tiled; none, DEFLATE and LZW; predictors 2 and 3; band-separate planes.
  assert.ok(covered.length >= 8, `covered: ${covered.join(", ")}`);
  assert.ok(
    covered.includes("multiband_band_descriptions.tif") &&
      !covered.includes("multiband_pixel_descriptions.tif"),
  );
});
