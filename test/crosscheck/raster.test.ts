// Cross-checks of core/raster against GDAL itself (gdal-bin + python3-gdal, installed by .ci/run):
// gdalinfo must report what we wrote, GDAL's COG validator must pass, and GDAL must read our values.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { bandAsFloat32, readRaster, type SampleArray, writeCog } from "../../core/raster/index.ts";
import { skipUnlessInstalled } from "./reference-tool.ts";

const gdalMissing = skipUnlessInstalled(
  spawnSync("gdalinfo", ["--version"]).status === 0,
  "gdalinfo (apt-get install gdal-bin python3-gdal)",
);
const taPath = fileURLToPath(new URL("../../data/ecuador/ta.tif", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "raster-crosscheck-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: "utf8" });
  assert.equal(result.status, 0, `${command} ${args.join(" ")} failed: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** GDAL's reading of one band, through `gdal_translate -of ENVI` (raw samples in native order). */
function gdalValues(
  path: string,
  band: number,
  Type: Float32ArrayConstructor | Int16ArrayConstructor,
): SampleArray {
  const raw = join(dir, `gdal-${band}.bin`);
  run("gdal_translate", ["-q", "-of", "ENVI", "-b", String(band + 1), path, raw]);
  const bytes = readFileSync(raw);
  return new Type(bytes.buffer, bytes.byteOffset, bytes.byteLength / Type.BYTES_PER_ELEMENT);
}

// gdalinfo -json prints 16 significant digits, so its geotransform is our doubles rounded in the
// 16th digit; 1e-9 of a cell is far below that and far below any shift that would move a cell.
function assertSameTransform(gdal: number[], ours: number[]) {
  for (let i = 0; i < 6; i++)
    assert.ok(
      Math.abs(gdal[i] - ours[i]) <= 1e-9 * Math.abs(ours[1]),
      `geotransform[${i}]: ${gdal[i]} vs ${ours[i]}`,
    );
}

interface GdalInfoBand {
  block: number[];
  type: string;
  description?: string;
  noDataValue?: number | string;
  overviews?: { size: number[] }[];
}

test("gdalinfo, GDAL's COG validator and GDAL's pixel values agree with a 5-band Float32 COG of ta.tif", {
  skip: gdalMissing,
}, async () => {
  const ta = await readRaster(taPath);
  const path = join(dir, "ta_cog.tif");
  await writeCog(path, { ...ta, bands: ta.bands.map((_, b) => bandAsFloat32(ta, b)), nodata: Number.NaN });
  const info = JSON.parse(run("gdalinfo", ["-json", path]));
  assert.deepEqual(info.size, [383, 415]);
  assertSameTransform(info.geoTransform, ta.transform);
  assert.match(info.coordinateSystem.wkt, /ID\["EPSG",32717\]\]$/);
  assert.deepEqual(info.metadata.IMAGE_STRUCTURE, {
    COMPRESSION: "DEFLATE",
    INTERLEAVE: "BAND",
    LAYOUT: "COG",
    PREDICTOR: "3",
  });
  const bands = info.bands as GdalInfoBand[];
  assert.deepEqual(
    bands.map((b) => b.description),
    ["slope", "cplan", "cprof", "elev", "log10_carea"],
  );
  for (const band of bands) {
    assert.deepEqual(band.block, [256, 256]);
    assert.equal(band.type, "Float32");
    assert.equal(band.noDataValue, "NaN");
    assert.deepEqual(band.overviews, [{ size: [192, 208] }]);
  }
  const validation = spawnSync(
    "/usr/bin/python3",
    ["-m", "osgeo_utils.samples.validate_cloud_optimized_geotiff", path],
    { encoding: "utf8" },
  );
  assert.equal(validation.status, 0, validation.stdout + validation.stderr);
  assert.match(validation.stdout, /is a valid cloud optimized GeoTIFF/);
  for (let b = 0; b < 5; b++) {
    const ours = bandAsFloat32(ta, b);
    const theirs = gdalValues(path, b, Float32Array);
    // Exact: GDAL decodes the same lossless bytes; NaN must stay NaN.
    for (let i = 0; i < ours.length; i++) {
      if (Number.isNaN(ours[i])) assert.ok(Number.isNaN(theirs[i]), `band ${b} cell ${i}`);
      else assert.equal(theirs[i], ours[i], `band ${b} cell ${i}`);
    }
  }
});

test("an Int16 geographic COG (BigTIFF, 512-px tiles, nodata -32768) is read by GDAL as written", {
  skip: gdalMissing,
}, async () => {
  const width = 1100;
  const height = 700;
  const band = new Int16Array(width * height);
  for (let i = 0; i < band.length; i++) band[i] = ((i * 7919) % 60000) - 30000;
  for (let i = 0; i < band.length; i += 101) band[i] = -32768;
  const path = join(dir, "int16_geographic.tif");
  const transform: [number, number, number, number, number, number] = [-71, 1 / 1200, 0, -32, 0, -1 / 1200];
  await writeCog(
    path,
    { width, height, transform, crs: { epsg: 4326, geographic: true }, bands: [band], nodata: -32768 },
    { tileSize: 512, bigTiff: true },
  );
  const info = JSON.parse(run("gdalinfo", ["-json", path]));
  assert.match(info.coordinateSystem.wkt, /^GEOGCRS\[/);
  assert.match(info.coordinateSystem.wkt, /ID\["EPSG",4326\]\]$/);
  assertSameTransform(info.geoTransform, transform);
  const [gdalBand] = info.bands as GdalInfoBand[];
  assert.deepEqual(gdalBand.block, [512, 512]);
  assert.equal(gdalBand.type, "Int16");
  assert.equal(gdalBand.noDataValue, -32768);
  assert.deepEqual(gdalBand.overviews, [{ size: [550, 350] }, { size: [275, 175] }]);
  assert.equal(info.metadata.IMAGE_STRUCTURE.PREDICTOR, "2");
  const validation = spawnSync(
    "/usr/bin/python3",
    ["-m", "osgeo_utils.samples.validate_cloud_optimized_geotiff", path],
    { encoding: "utf8" },
  );
  assert.equal(validation.status, 0, validation.stdout + validation.stderr);
  assert.deepEqual(gdalValues(path, 0, Int16Array), band);
});

test("we decode what gdal_translate writes from ta.tif (LZW/DEFLATE, predictors 2 and 3, strips and tiles) to GDAL's values", {
  skip: gdalMissing,
}, async () => {
  const variants: [string, string[]][] = [
    ["lzw_pred3_strips.tif", ["-co", "COMPRESS=LZW", "-co", "PREDICTOR=3"]],
    ["deflate_pred3_tiles.tif", ["-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=3", "-co", "TILED=YES"]],
    [
      "lzw_pred2_int16_tiles.tif",
      [
        "-ot",
        "Int16",
        "-a_nodata",
        "-32768",
        "-co",
        "COMPRESS=LZW",
        "-co",
        "PREDICTOR=2",
        "-co",
        "TILED=YES",
      ],
    ],
  ];
  for (const [name, options] of variants) {
    const path = join(dir, name);
    run("gdal_translate", ["-q", "-b", "4", ...options, taPath, path]);
    const ours = (await readRaster(path)).bands[0];
    const theirs = gdalValues(path, 0, ours instanceof Int16Array ? Int16Array : Float32Array);
    // Exact (NaN = NaN): both decode the same lossless stream.
    assert.equal(ours.length, theirs.length);
    for (let i = 0; i < ours.length; i++) {
      if (Number.isNaN(theirs[i])) assert.ok(Number.isNaN(ours[i]), `${name} cell ${i}`);
      else assert.equal(ours[i], theirs[i], `${name} cell ${i}`);
    }
  }
});
