// Cross-checks of `quakeslide terrain` against the reference tools, recomputed live: gdaldem
// slope/aspect (Horn, Zevenbergen-Thorne, -compute_edges) on the bundled DEM, SAGA's bands of
// ta.tif, a geographic DEM against gdaldem on metric row slices, and GDAL's COG validator.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { bandAsFloat32, readRaster, readRasterInfo } from "../../core/raster/index.ts";
import { rowCellSizes } from "../../core/terrain/cellsize.ts";
import { runTerrain } from "../../core/terrain/step.ts";

const DEM = "data/ecuador/dem.tif";
const TA = "data/ecuador/ta.tif";
// The requirement for slope/aspect against gdaldem, in degrees.
const GDALDEM_TOLERANCE_DEG = 0.01;
const dir = mkdtempSync(join(tmpdir(), "terrain-crosscheck-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: "utf8" });
  assert.equal(
    result.status,
    0,
    `${command} ${args.join(" ")} failed: ${result.error ?? ""}${result.stderr}${result.stdout}`,
  );
  return result.stdout;
}

let rawCount = 0;
/** GDAL's reading of one band as Float32 (through gdal_translate -of ENVI), gdaldem's -9999 as NaN. */
function gdalValues(path: string, band = 1): Float32Array {
  const raw = join(dir, `values-${rawCount++}.raw`);
  run("gdal_translate", ["-q", "-of", "ENVI", "-ot", "Float32", "-b", String(band), path, raw]);
  const bytes = readFileSync(raw);
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  for (let i = 0; i < values.length; i++) if (values[i] === -9999) values[i] = Number.NaN;
  return values;
}

function compare(
  ours: Float32Array,
  reference: Float32Array,
  include: (i: number) => boolean,
  circular = false,
) {
  let max = 0;
  let compared = 0;
  for (let i = 0; i < ours.length; i++) {
    if (!Number.isFinite(ours[i]) || !Number.isFinite(reference[i]) || !include(i)) continue;
    let diff = Math.abs(ours[i] - reference[i]);
    if (circular) diff = Math.min(diff, 360 - diff);
    max = Math.max(max, diff);
    compared++;
  }
  return { max, compared };
}

function nanMismatches(a: Float32Array, b: Float32Array): number {
  let count = 0;
  for (let i = 0; i < a.length; i++) if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) count++;
  return count;
}

const cases = [
  { name: "Horn", method: "horn", gdaldemArgs: [], computeEdges: false },
  {
    name: "Zevenbergen-Thorne",
    method: "zevenbergen-thorne",
    gdaldemArgs: ["-alg", "ZevenbergenThorne"],
    computeEdges: false,
  },
  { name: "Horn with edges", method: "horn", gdaldemArgs: ["-compute_edges"], computeEdges: true },
] as const;

for (const c of cases) {
  test(`${c.name} slope and aspect of the bundled DEM equal gdaldem's (<= 0.01 deg)`, async () => {
    const out = join(dir, c.name.replaceAll(" ", "-"));
    await runTerrain({ dem: DEM, outDir: out, method: c.method, computeEdges: c.computeEdges, threads: 1 });
    run("gdaldem", ["slope", "-q", ...c.gdaldemArgs, DEM, join(dir, "gdal-slope.tif")]);
    run("gdaldem", ["aspect", "-q", ...c.gdaldemArgs, DEM, join(dir, "gdal-aspect.tif")]);
    const slope = gdalValues(join(out, "slope.tif"));
    const aspect = gdalValues(join(out, "aspect.tif"));
    const refSlope = gdalValues(join(dir, "gdal-slope.tif"));
    const refAspect = gdalValues(join(dir, "gdal-aspect.tif"));
    // With -compute_edges gdaldem also fills cells next to nodata; we keep those nodata.
    if (!c.computeEdges) {
      assert.equal(nanMismatches(slope, refSlope), 0, "slope nodata cells differ");
      assert.equal(nanMismatches(aspect, refAspect), 0, "aspect nodata (edges, next to nodata, flat) differ");
    }
    const slopeDiff = compare(slope, refSlope, () => true);
    assert.ok(slopeDiff.compared > 150_000, `${slopeDiff.compared} cells compared`);
    assert.ok(slopeDiff.max <= GDALDEM_TOLERANCE_DEG, `slope max diff ${slopeDiff.max}`);
    const aspectDiff = compare(aspect, refAspect, (i) => refSlope[i] > 1, true);
    assert.ok(aspectDiff.max <= GDALDEM_TOLERANCE_DEG, `aspect max diff ${aspectDiff.max}`);
  });
}

test("ZT slope and curvatures equal SAGA's slope/cplan/cprof bands of ta.tif over the whole DEM", async () => {
  const out = join(dir, "saga");
  await runTerrain({ dem: DEM, outDir: out, method: "zevenbergen-thorne", threads: 1 });
  // SAGA computed in double and stored Float32, as we do, from the same Float32 elevations: the
  // values can differ only by Float32 rounding (relative 6e-8); 1e-6 leaves room for libm.
  const pairs = [
    ["slope.tif", 1],
    ["curvature_plan.tif", 2],
    ["curvature_profile.tif", 3],
  ] as const;
  for (const [file, band] of pairs) {
    const ours = gdalValues(join(out, file));
    const saga = gdalValues(TA, band);
    let compared = 0;
    let worst = 0;
    for (let i = 0; i < ours.length; i++) {
      if (!Number.isFinite(ours[i])) continue; // SAGA also fills edges and cells next to nodata
      worst = Math.max(worst, Math.abs(ours[i] - saga[i]) / (Math.abs(saga[i]) + 1e-12));
      compared++;
    }
    assert.ok(compared > 150_000);
    assert.ok(worst <= 1e-6, `${file}: worst relative difference ${worst}`);
  }
});

test("on a geographic DEM each row equals gdaldem run with that row's metric cell size", async () => {
  const geoDem = join(dir, "dem-4326.tif");
  run("gdalwarp", ["-q", "-t_srs", "EPSG:4326", "-r", "bilinear", "-dstnodata", "nan", DEM, geoDem]);
  const out = join(dir, "geographic");
  await runTerrain({ dem: geoDem, outDir: out, threads: 1 });
  const info = await readRasterInfo(geoDem);
  assert.ok(info.crs.geographic);
  const sizes = rowCellSizes(info);
  const slope = gdalValues(join(out, "slope.tif"));
  const aspect = gdalValues(join(out, "aspect.tif"));
  const { width } = info;
  let compared = 0;
  for (const row of [1, Math.floor(info.height / 3), Math.floor(info.height / 2), info.height - 2]) {
    const [w, h] = [sizes.cellWidth[row], sizes.cellHeight[row]];
    const refSlope = gdaldemSlopeOfRow(geoDem, width, row, w, h);
    const ours = slope.subarray(row * width, (row + 1) * width);
    const slopeDiff = compare(ours, refSlope, () => true);
    assert.ok(slopeDiff.max <= GDALDEM_TOLERANCE_DEG, `row ${row}: slope max diff ${slopeDiff.max}`);
    // gdaldem's aspect assumes square cells (it ignores the cell size), and these cells are not
    // square: rebuild the aspect from gdaldem's slope along each axis alone (the other axis made
    // 1e9 m long, so its gradient vanishes) and the quadrant of gdaldem's own aspect.
    const alongX = gdaldemSlopeOfRow(geoDem, width, row, w, 1e9);
    const alongY = gdaldemSlopeOfRow(geoDem, width, row, 1e9, h);
    const quadrant = gdaldemAspectOfRow(geoDem, width, row);
    const refAspect = new Float32Array(width).map((_, i) => {
      const radians = (quadrant[i] * Math.PI) / 180;
      const downEast = Math.sign(Math.sin(radians)) * Math.tan((alongX[i] * Math.PI) / 180);
      const downNorth = Math.sign(Math.cos(radians)) * Math.tan((alongY[i] * Math.PI) / 180);
      return ((Math.atan2(downEast, downNorth) * 180) / Math.PI + 360) % 360;
    });
    const aspectDiff = compare(
      aspect.subarray(row * width, (row + 1) * width),
      refAspect,
      (i) => refSlope[i] > 1,
      true,
    );
    assert.ok(aspectDiff.max <= GDALDEM_TOLERANCE_DEG, `row ${row}: aspect max diff ${aspectDiff.max}`);
    compared += slopeDiff.compared;
  }
  assert.ok(compared > 1000, `${compared} cells compared`);
});

/** A 3-row slice around `row`, relabelled as a metric grid with the given cell size. */
function metricSlice(dem: string, width: number, row: number, cellWidth: number, cellHeight: number): string {
  const slice = join(dir, `slice-${row}-${cellWidth}-${cellHeight}.tif`);
  const extent = ["0", String(3 * cellHeight), String(width * cellWidth), "0"];
  run("gdal_translate", [
    "-q",
    "-srcwin",
    "0",
    String(row - 1),
    String(width),
    "3",
    "-a_srs",
    "EPSG:32717",
    "-a_ullr",
    ...extent,
    dem,
    slice,
  ]);
  return slice;
}

/** gdaldem slope of the middle row of a metric slice: the slope with those true cell sizes. */
function gdaldemSlopeOfRow(
  dem: string,
  width: number,
  row: number,
  cellWidth: number,
  cellHeight: number,
): Float32Array {
  const slice = metricSlice(dem, width, row, cellWidth, cellHeight);
  run("gdaldem", ["slope", "-q", slice, `${slice}.slope.tif`]);
  return gdalValues(`${slice}.slope.tif`).subarray(width, 2 * width);
}

function gdaldemAspectOfRow(dem: string, width: number, row: number): Float32Array {
  const slice = metricSlice(dem, width, row, 1, 1);
  run("gdaldem", ["aspect", "-q", slice, `${slice}.aspect.tif`]);
  return gdalValues(`${slice}.aspect.tif`).subarray(width, 2 * width);
}

test("the terrain COGs pass GDAL's COG validator, carry the DEM's EPSG and NaN nodata, and GDAL decodes them to our values", async () => {
  const out = join(dir, "cog");
  await runTerrain({ dem: DEM, outDir: out, threads: 2 });
  for (const name of ["slope", "aspect", "curvature_plan", "curvature_profile"]) {
    const path = join(out, `${name}.tif`);
    run("/usr/bin/python3", ["-m", "osgeo_utils.samples.validate_cloud_optimized_geotiff", "-q", path]);
    const info = JSON.parse(run("gdalinfo", ["-json", path]));
    assert.match(JSON.stringify(info.coordinateSystem), /32717/);
    assert.ok(Number.isNaN(info.bands[0].noDataValue) || info.bands[0].noDataValue === "NaN");
    // Our hand-written DEFLATE (core/raster/plane-deflate.ts) read by GDAL's zlib, value for value.
    assert.deepEqual(gdalValues(path), bandAsFloat32(await readRaster(path)), `${name}: GDAL's values`);
  }
});
