import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { InputError } from "../../../core/errors.ts";
import { bandAsFloat32, openRaster, readRaster, readRasterInfo } from "../../../core/raster/index.ts";
import { fixture, gdalSha256, gdalViews } from "./helpers.ts";

// Geotransforms: GDAL and we do the same double arithmetic on the same tag values, so they agree
// to rounding; 1e-9 of a cell is far below anything that moves a cell.
function assertTransformClose(actual: number[], expected: number[], cellSize: number) {
  for (let i = 0; i < 6; i++)
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= 1e-9 * cellSize,
      `transform[${i}]: ${actual[i]} vs ${expected[i]}`,
    );
}

for (const [name, gdal] of Object.entries(gdalViews)) {
  test(`reads ${name} exactly as GDAL does`, async () => {
    const raster = await readRaster(fixture(name));
    assert.equal(raster.width, gdal.width);
    assert.equal(raster.height, gdal.height);
    assertTransformClose(raster.transform, gdal.geotransform, Math.abs(gdal.geotransform[1]));
    assert.equal(raster.crs.epsg, gdal.epsg);
    assert.equal(raster.crs.geographic, gdal.geographic);
    assert.deepEqual(
      raster.bandNames,
      gdal.bandNames.map((n) => n ?? undefined),
    );
    if (gdal.nodata === "nan") assert.ok(Number.isNaN(raster.nodata));
    else assert.equal(raster.nodata, gdal.nodata);
    assert.equal(raster.bands.length, gdal.bands.length);
    gdal.bands.forEach((expected, b) => {
      // Values are compared exactly: decoding is lossless, and GDAL's values are stored as doubles.
      const raw = raster.bands[b];
      const asFloat = bandAsFloat32(raster, b);
      for (let i = 0; i < expected.length; i++) {
        const value = expected[i];
        if (value === null)
          assert.ok(Number.isNaN(raw[i]), `band ${b} cell ${i}: expected NaN, got ${raw[i]}`);
        else assert.equal(raw[i], value, `band ${b} cell ${i}`);
        const isNodata = value === null || value === gdal.nodata;
        assert.equal(Number.isNaN(asFloat[i]), isNodata, `bandAsFloat32 band ${b} cell ${i}`);
      }
    });
  });
}

test("the Int16 fixture really has nodata cells and bandAsFloat32 turns them into NaN", async () => {
  const raster = await readRaster(fixture("int16_tiled_lzw_pred2_nodata.tif"));
  const nodataCells = Array.from(raster.bands[0]).filter((v) => v === -32768).length;
  assert.ok(nodataCells > 0);
  assert.equal(Array.from(bandAsFloat32(raster)).filter(Number.isNaN).length, nodataCells);
});

const gridOfThree = {
  width: 3,
  height: 1,
  transform: [0, 1, 0, 0, 0, -1] as [number, number, number, number, number, number],
  crs: { geographic: false },
};

test("bandAsFloat32 matches a Float32 file's nodata written as a double (e.g. 1.70141e+38 of lidar DEMs)", () => {
  const nodata = 1.70141e38; // as GDAL_NODATA text; the file stores Math.fround(nodata)
  const band = Float32Array.from([1, nodata, 3]);
  const raster = { ...gridOfThree, bands: [band], bandNames: [undefined], nodata };
  assert.deepEqual(Array.from(bandAsFloat32(raster)), [1, Number.NaN, 3]);
  assert.deepEqual(
    Array.from(bandAsFloat32({ ...raster, bands: [Int16Array.from([5, -32768, 7])], nodata: -32768 })),
    [5, Number.NaN, 7],
  );
});

test("readRasterInfo reports layout, sample type and band names without pixels", async () => {
  const tiled = await readRasterInfo(fixture("int16_tiled_lzw_pred2_nodata.tif"));
  assert.deepEqual(tiled.layout, { tiled: true, blockWidth: 16, blockHeight: 16 });
  assert.equal(tiled.sampleType, "int16");
  assert.equal(tiled.compression, 5);
  assert.equal(tiled.predictor, 2);
  const striped = await readRasterInfo(fixture("float32_striped_none.tif"));
  assert.deepEqual(striped.layout, { tiled: false, blockWidth: 37, blockHeight: 5 });
  const multi = await readRasterInfo(fixture("multiband_band_descriptions.tif"));
  assert.deepEqual(multi.bandNames, ["slope", "cplan", "elev"]);
  // gdalinfo lists two overviews (18x11, 9x5) for GDAL's own COG.
  assert.equal((await readRasterInfo(fixture("gdal_cog_deflate.tif"))).overviewCount, 2);
});

for (const name of [
  "float32_striped_none.tif",
  "multiband_band_descriptions.tif",
  "multiband_pixel_descriptions.tif",
]) {
  test(`reads a window of ${name} with its own geotransform`, async () => {
    const gdal = gdalViews[name];
    const window = { x0: 11, y0: 7, width: 20, height: 9 };
    const raster = await readRaster(fixture(name), { window, bands: [gdal.bands.length - 1, 0] });
    assert.equal(raster.width, 20);
    assert.equal(raster.height, 9);
    const [ox, px, , oy, , py] = gdal.geotransform;
    assertTransformClose(raster.transform, [ox + 11 * px, px, 0, oy + 7 * py, 0, py], px);
    [gdal.bands.length - 1, 0].forEach((source, b) => {
      for (let r = 0; r < 9; r++) {
        for (let c = 0; c < 20; c++) {
          const expected = gdal.bands[source][(r + 7) * gdal.width + c + 11];
          const actual = raster.bands[b][r * 20 + c];
          if (expected === null) assert.ok(Number.isNaN(actual));
          else assert.equal(actual, expected);
        }
      }
    });
  });
}

test("an open reader reads strip after strip; the strips put together equal the whole raster", async () => {
  const name = "int16_tiled_lzw_pred2_nodata.tif";
  const gdal = gdalViews[name];
  const reader = await openRaster(fixture(name));
  try {
    const cells: number[] = [];
    for (let y0 = 0; y0 < reader.info.height; y0 += 5) {
      const height = Math.min(5, reader.info.height - y0);
      const strip = await reader.read({ window: { x0: 0, y0, width: reader.info.width, height } });
      cells.push(...strip.bands[0]);
    }
    assert.deepEqual(cells, gdal.bands[0]);
  } finally {
    reader.close();
  }
});

test("a larger LZW file (12-bit codes, table clears) decodes to GDAL's bytes", async () => {
  const raster = await readRaster(fixture("lzw_large_uint8.tif"));
  const band = raster.bands[0];
  const digest = createHash("sha256")
    .update(new Uint8Array(band.buffer, band.byteOffset, band.byteLength))
    .digest("hex");
  assert.equal(digest, gdalSha256["lzw_large_uint8.tif"]);
});

test("selects bands by name", async () => {
  const raster = await readRaster(fixture("multiband_pixel_descriptions.tif"), { bands: ["elev"] });
  assert.deepEqual(raster.bandNames, ["elev"]);
  assert.equal(raster.bands[0][0], gdalViews["multiband_pixel_descriptions.tif"].bands[2][0]);
});

async function assertInputError(promise: Promise<unknown>, file: string, pattern: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof InputError, `expected InputError, got ${error}`);
    assert.ok(error.message.includes(file), `message names the file: ${error.message}`);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes("\n"), "one line");
    return true;
  });
}

test("bad input: missing file, no georeferencing, complex and 1-bit samples, unknown band, bad window", async () => {
  await assertInputError(readRaster("/nonexistent/dem.tif"), "/nonexistent/dem.tif", /not found/);
  await assertInputError(
    readRaster(fixture("no_georeferencing.tif")),
    "no_georeferencing.tif",
    /no georeferencing/,
  );
  await assertInputError(
    readRaster(fixture("complex_cfloat32.tif")),
    "complex_cfloat32.tif",
    /unsupported sample type.*complex/,
  );
  await assertInputError(
    readRaster(fixture("one_bit.tif")),
    "one_bit.tif",
    /unsupported sample type \(1-bit/,
  );
  await assertInputError(
    readRaster(fixture("multiband_pixel_descriptions.tif"), { bands: ["aspect"] }),
    "multiband",
    /no band named "aspect"/,
  );
  await assertInputError(
    readRaster(fixture("float32_striped_none.tif"), { window: { x0: 30, y0: 0, width: 10, height: 2 } }),
    "float32_striped_none.tif",
    /outside the raster/,
  );
  const notTiff = fixture("make_fixtures.py");
  await assertInputError(readRaster(notTiff), "make_fixtures.py", /not a readable TIFF/);
});

test("bad input: truncated TIFFs (first 60% of the file) are refused, striped or tiled", async () => {
  const dir = mkdtempSync(join(tmpdir(), "raster-truncated-"));
  try {
    for (const name of [
      "float32_striped_none.tif",
      "float32_tiled_deflate_pred3.tif",
      "int16_tiled_lzw_pred2_nodata.tif",
    ]) {
      const bytes = readFileSync(fixture(name));
      const truncated = join(dir, `truncated-${name}`);
      writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      await assertInputError(readRaster(truncated), truncated, /truncated/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bad input: a TIFF cut before its image directory (GDAL writes it last) is called truncated", async () => {
  const dir = mkdtempSync(join(tmpdir(), "raster-truncated-ifd-"));
  try {
    const bytes = readFileSync(new URL("../../../data/ecuador/dem.tif", import.meta.url));
    const ifdOffset = bytes.readUInt32LE(4);
    assert.ok(ifdOffset > bytes.length / 2, "this GDAL file keeps its IFD after the pixels");
    const truncated = join(dir, "dem-cut.tif");
    writeFileSync(truncated, bytes.subarray(0, ifdOffset - 100));
    await assertInputError(readRaster(truncated), truncated, /truncated: its first image directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
