import assert from "node:assert/strict";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { bandAsFloat32, readRaster, readRasterInfo } from "../../../core/raster/index.ts";
import { TERRAIN_OUTPUT_NAMES } from "../../../core/terrain/schema.ts";
import { runQuakeslide } from "../../helpers/run-cli.ts";
import { loadFixture, maxAbsDiff } from "./fixtures.ts";

const DEM = "data/ecuador/dem.tif";
const fixture = (name: string) => `test/fixtures/terrain/${name}`;
const scratch = mkdtempSync(join(tmpdir(), "quakeslide-terrain-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const runCli = (args: string[]) => runQuakeslide(["terrain", ...args]);

test("terrain on the Ecuador DEM writes the four COGs and previews on the DEM's grid, equal to gdaldem", async () => {
  const out = join(scratch, "ok");
  const { code, stdout } = await runCli(["--dem", DEM, "--out", out, "--json"]);
  assert.equal(code, 0);
  const summary = JSON.parse(stdout);
  assert.deepEqual(readdirSync(out).sort(), [...TERRAIN_OUTPUT_NAMES].sort());
  assert.equal(summary.outputs.slope.path, join(out, "slope.tif"));
  const demInfo = await readRasterInfo(DEM);
  const slopeInfo = await readRasterInfo(join(out, "slope.tif"));
  assert.deepEqual(slopeInfo.transform, demInfo.transform);
  assert.equal(slopeInfo.crs.epsg, 32717);
  assert.ok(Number.isNaN(slopeInfo.nodata));
  // The fixture window (see test/fixtures/terrain/README.md) read back from the COG equals
  // gdaldem's slope there, wherever gdaldem (run on the window alone, so without its ring) has one.
  const window = { x0: 319, y0: 351, width: 64, height: 64 };
  const slope = bandAsFloat32(await readRaster(join(out, "slope.tif"), { window }));
  const diff = maxAbsDiff(slope, loadFixture("slope_horn"));
  assert.ok(diff.compared > 3000 && diff.max <= 0.01, `max diff ${diff.max} over ${diff.compared} cells`);
  // Nodata: the outer ring plus every cell with a nodata cell in its 3x3 window.
  const elevation = bandAsFloat32(await readRaster(DEM));
  const { width, height } = demInfo;
  let expectedNodata = 0;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      let empty = row === 0 || col === 0 || row === height - 1 || col === width - 1;
      for (let r = row - 1; r <= row + 1 && !empty; r++) {
        for (let c = col - 1; c <= col + 1; c++) empty ||= Number.isNaN(elevation[r * width + c]);
      }
      if (empty) expectedNodata++;
    }
  }
  assert.equal(summary.outputs.slope.nodataCells, expectedNodata);
  assert.ok(summary.outputs.slope.max > 60 && summary.outputs.slope.max < 90);
  assert.ok(readFileSync(join(out, "slope.png")).subarray(1, 4).toString() === "PNG");
});

/** A COG (header first, as GDAL's COG driver writes it) cut short in its tile data. */
function truncatedCog(): string {
  const path = join(scratch, "cut.tif");
  const bytes = readFileSync(fixture("cog_64.tif"));
  writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  return path;
}

const badInputs: [string, () => string, RegExp][] = [
  ["a missing file", () => join(scratch, "nothing-here.tif"), /nothing-here\.tif: file not found/],
  ["a truncated TIFF", truncatedCog, /cut\.tif: is truncated/],
  ["a TIFF without georeferencing", () => fixture("no_georef.tif"), /no_georef\.tif: has no georeferencing/],
  [
    "an unsupported sample type",
    () => fixture("complex_int16.tif"),
    /complex_int16\.tif: .*unsupported sample type/,
  ],
  ["an all-nodata DEM", () => fixture("all_nodata.tif"), /all_nodata\.tif: every cell of the DEM is nodata/],
];

for (const [what, makeDem, message] of badInputs) {
  test(`${what} exits 2 with one line naming the file, and writes nothing`, async () => {
    const out = join(scratch, `bad-${what.replaceAll(" ", "-")}`);
    const { code, stderr } = await runCli(["--dem", makeDem(), "--out", out]);
    assert.equal(code, 2);
    assert.equal(stderr.split("\n").length, 1, stderr);
    assert.match(stderr, message);
    assert.equal(existsSync(out), false, "no output folder");
    assert.deepEqual(
      readdirSync(scratch).filter((name) => name.includes(".tmp-")),
      [],
      "no temporary folder left",
    );
  });
}

test("an output folder holding other files is refused and left as it was", async () => {
  const out = join(scratch, "occupied");
  mkdirSync(out);
  copyFileSync(fixture("README.md"), join(out, "notes.md"));
  const { code, stderr } = await runCli(["--dem", DEM, "--out", out]);
  assert.equal(code, 2);
  assert.match(stderr, /occupied already holds other files \(notes\.md\)/);
  assert.deepEqual(readdirSync(out), ["notes.md"]);
});

test("bad options exit 2 naming the option", async () => {
  const method = await runCli(["--dem", DEM, "--out", join(scratch, "m"), "--method", "steepest"]);
  assert.equal(method.code, 2);
  assert.match(method.stderr, /--method: must be one of horn, zevenbergen-thorne, got "steepest"/);
  const band = await runCli(["--dem", DEM, "--out", join(scratch, "b"), "--band", "slope"]);
  assert.equal(band.code, 2);
  assert.match(band.stderr, /dem\.tif: no band named "slope" \(bands: elev\)/);
  const missing = await runCli(["--out", join(scratch, "x")]);
  assert.match(missing.stderr, /missing required option --dem/);
});

test("two worker threads write the same files as one thread", async () => {
  const one = join(scratch, "one-thread");
  const two = join(scratch, "two-threads");
  assert.equal((await runCli(["--dem", DEM, "--out", one, "--threads", "1", "--json"])).code, 0);
  assert.equal((await runCli(["--dem", DEM, "--out", two, "--threads", "2", "--json"])).code, 0);
  for (const name of TERRAIN_OUTPUT_NAMES) {
    assert.ok(readFileSync(join(one, name)).equals(readFileSync(join(two, name))), `${name} differs`);
  }
});

test("an all-nodata DEM is reported from worker threads too, as an input error", async () => {
  const out = join(scratch, "nodata-threads");
  const { code, stderr } = await runCli(["--dem", fixture("all_nodata.tif"), "--out", out, "--threads", "2"]);
  assert.equal(code, 2);
  assert.match(stderr, /all_nodata\.tif: every cell of the DEM is nodata/);
  assert.equal(existsSync(out), false);
});

test("--band picks a band of a multi-band file by name or number", async () => {
  // ta.tif's band 4, "elev", is the DEM that dem.tif holds alone (data/README.md).
  const fromDem = join(scratch, "band-dem");
  const byName = join(scratch, "band-name");
  const byNumber = join(scratch, "band-number");
  assert.equal((await runCli(["--dem", DEM, "--out", fromDem, "--json"])).code, 0);
  assert.equal(
    (await runCli(["--dem", "data/ecuador/ta.tif", "--band", "elev", "--out", byName, "--json"])).code,
    0,
  );
  assert.equal(
    (await runCli(["--dem", "data/ecuador/ta.tif", "--band", "4", "--out", byNumber, "--json"])).code,
    0,
  );
  const reference = readFileSync(join(fromDem, "slope.tif"));
  assert.ok(readFileSync(join(byName, "slope.tif")).equals(reference));
  assert.ok(readFileSync(join(byNumber, "slope.tif")).equals(reference));
  const missing = await runCli(["--dem", DEM, "--band", "2", "--out", join(scratch, "band-2")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /dem\.tif: band 2 does not exist \(the file has 1\)/);
});
