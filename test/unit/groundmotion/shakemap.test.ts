import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseShakeMap, readShakeMapFile } from "../../../core/groundmotion/shakemap.ts";
import { runGroundMotion } from "../../../core/groundmotion/step.ts";
import { parseXml } from "../../../core/groundmotion/xml.ts";
import { readRaster, writeCog } from "../../../core/raster/index.ts";

const fixtures = new URL("../../fixtures/groundmotion/", import.meta.url).pathname;
const lomaPrieta = join(fixtures, "loma_prieta_1989_grid.xml");
const dir = mkdtempSync(join(tmpdir(), "quakeslide-shakemap-"));

test("ShakeMap 3.5 (blank units): box, spacing from nlon/nlat, %g to g, rows north to south", () => {
  const grid = readShakeMapFile(lomaPrieta);
  assert.equal(grid.eventId, "19891018000415");
  assert.equal(grid.event.magnitude, 6.9);
  assert.equal(grid.nLon, 49);
  assert.equal(grid.nLat, 29);
  assert.ok(Math.abs(grid.dLon - 1.2 / 48) < 1e-12 && Math.abs(grid.dLat - 0.7 / 28) < 1e-12);
  // First data row: -122.5000 37.2000 PGA 18.09 %g, PGV 12.66 cm/s; the shared data README gives
  // the file's PGA range 8.43-114.1 %g.
  assert.ok(Math.abs(grid.pgaG[0] - 0.1809) < 1e-7 && Math.abs(grid.pgvCmS[0] - 12.66) < 1e-5);
  const max = grid.pgaG.reduce((a, b) => Math.max(a, b), 0);
  const min = grid.pgaG.reduce((a, b) => Math.min(a, b), 1);
  assert.ok(Math.abs(max - 1.141) < 1e-6 && Math.abs(min - 0.0843) < 1e-6);
});

test("ShakeMap 4 (MMI before PGA, units %g and cm/s): columns found by name", () => {
  const grid = readShakeMapFile(join(fixtures, "hawaii_2018_sm4_every10.xml"));
  assert.equal(grid.eventId, "us1000dyad");
  assert.equal(grid.nLon * grid.nLat, 28 * 22);
  // First row of the file: -159.0000 22.0000 MMI 2 PGA 0.01534 PGV 0.1495 ...
  assert.ok(Math.abs(grid.pgaG[0] - 0.0001534) < 1e-10, String(grid.pgaG[0]));
  assert.ok(Math.abs(grid.pgvCmS[0] - 0.1495) < 1e-7);
  assert.ok(Math.abs(grid.dLon - 4.5 / 27) < 1e-12, "true spacing, not the rounded attribute");
});

test("malformed ShakeMaps are refused with the file and the reason", () => {
  const text = readFileSync(lomaPrieta, "utf8");
  const bad = (edit: (t: string) => string, pattern: RegExp) =>
    assert.throws(
      () => parseShakeMap(edit(text), "grid.xml"),
      (e: Error) => e.name === "InputError" && pattern.test(e.message),
    );
  bad((t) => t.replace('nlon="49"', 'nlon="48"'), /holds 15631 values; nlon x nlat x fields = 48 x 29 x 11/);
  bad((t) => t.replace('name="PGV" units=""', 'name="PGV" units="m/s"'), /PGV units "m\/s"/);
  bad((t) => t.replace('name="PGA"', 'name="PGX"'), /no PGA column/);
  bad(
    (t) => t.replace("</grid_data>", ""),
    /not well-formed XML.*<grid_data> does not close|is not closed|does not close/,
  );
  bad((t) => t.replace("18.09 12.66", "-18.09 12.66"), /grid row 1: PGA -18.09/);
  bad(() => "<quakeml/>", /root element is <quakeml>/);
});

test("the XML reader handles comments, CDATA, entities, quotes and a declaration on the root's line", () => {
  const root = parseXml(
    `<?xml version="1.0"?><!-- <fake/> --><a x='1 &amp; 2' y="&lt;&#65;&#x42;"><b/><![CDATA[<raw>]]> t&gt;</a>`,
  );
  assert.equal(root.name, "a");
  assert.deepEqual(root.attributes, { x: "1 & 2", y: "<AB" });
  assert.equal(root.children.length, 1);
  assert.equal(root.text.trim(), "<raw> t>");
  assert.throws(
    () => parseXml("<a><b></a></b>", "f.xml"),
    /f\.xml: not well-formed XML at line 1: <\/a> does not close <b>/,
  );
  assert.throws(() => parseXml('<a x="1" x="2"/>'), /attribute x given twice/);
  assert.throws(() => parseXml("<a>&nbsp;</a>"), /unknown entity &nbsp;/);
});

test("ShakeMap onto a UTM grid matches gdalwarp -r bilinear (fixture made by make_gdalwarp_reference.sh)", async () => {
  const reference = await readRaster(join(fixtures, "loma_prieta_pga_pgv_utm10n_gdalwarp.tif"));
  const template = join(dir, "template.tif");
  await writeCog(template, {
    width: reference.width,
    height: reference.height,
    transform: reference.transform,
    crs: { epsg: 32610, geographic: false },
    bands: [new Float32Array(reference.width * reference.height)],
    nodata: Number.NaN,
  });
  const outDir = join(dir, "out");
  const summary = await runGroundMotion({ grid: template, shakemap: lomaPrieta, outDir });
  assert.equal(summary.mode, "shakemap");
  assert.equal(summary.validCells, reference.width * reference.height);
  const pga = (await readRaster(join(outDir, "pga.tif"))).bands[0] as Float32Array;
  const pgv = (await readRaster(join(outDir, "pgv.tif"))).bands[0] as Float32Array;
  let worst = 0;
  for (let i = 0; i < pga.length; i++) {
    worst = Math.max(worst, Math.abs(pga[i] / (reference.bands[0][i] as number) - 1));
    worst = Math.max(worst, Math.abs(pgv[i] / (reference.bands[1][i] as number) - 1));
  }
  // Both store Float32 (relative 6e-8); the projections differ by millimetres against a 2.2 km
  // node spacing (a relative shift of ~1e-6 in the interpolation weights).
  assert.ok(worst < 1e-6, `worst relative difference ${worst}`);
});

test("an area outside the ShakeMap's box is an InputError, not a map of nodata", async () => {
  const template = join(dir, "far.tif");
  await writeCog(template, {
    width: 4,
    height: 4,
    transform: [500_000, 100, 0, 9_600_000, 0, -100],
    crs: { epsg: 32717, geographic: false },
    bands: [new Float32Array(16)],
    nodata: Number.NaN,
  });
  await assert.rejects(
    runGroundMotion({ grid: template, shakemap: lomaPrieta, outDir: join(dir, "far") }),
    /does not cover the area grid/,
  );
});
