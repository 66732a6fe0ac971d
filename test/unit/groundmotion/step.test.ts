import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { bssa14 } from "../../../core/groundmotion/bssa14.ts";
import { runGroundMotion } from "../../../core/groundmotion/step.ts";
import { readRaster, writeCog } from "../../../core/raster/index.ts";
import { runQuakeslide } from "../../helpers/run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "quakeslide-gm-"));
const KM_PER_DEGREE = (6371.0088 * Math.PI) / 180;

async function grid(
  name: string,
  width: number,
  height: number,
  transform: number[],
  epsg: number,
  values?: number[],
) {
  const path = join(dir, name);
  await writeCog(path, {
    width,
    height,
    transform: transform as [number, number, number, number, number, number],
    crs: { epsg, geographic: epsg === 4326 },
    bands: [values ? Float32Array.from(values) : new Float32Array(width * height)],
    nodata: Number.NaN,
  });
  return path;
}

const event = {
  id: "test-m65",
  magnitude: 6.5,
  mechanism: "RS" as const,
  hypocentre: { lon: -79.05, lat: -4.0, depthKm: 12 },
};

test("GMPE map on a lon/lat column north of the epicentre equals BSSA14 at the epicentral distances", async () => {
  // One column on the epicentre's meridian, cells 0.1 degree apart: Rjb = n x 0.1 x 111.195 km.
  const path = await grid("column.tif", 1, 5, [-79.1, 0.1, 0, -3.4, 0, -0.1], 4326);
  const outDir = join(dir, "column");
  const summary = await runGroundMotion({ grid: path, event, vs30: 400, outDir });
  const pga = (await readRaster(join(outDir, "pga.tif"))).bands[0] as Float32Array;
  const pgv = (await readRaster(join(outDir, "pgv.tif"))).bands[0] as Float32Array;
  for (let row = 0; row < 5; row++) {
    const lat = -3.45 - 0.1 * row;
    const expected = bssa14({ magnitude: 6.5, mechanism: "RS" }, Math.abs(lat + 4) * KM_PER_DEGREE, 400);
    // Float32 storage: relative 6e-8; the distance is exact up to the cell centre's lon (-79.05).
    assert.ok(Math.abs(pga[row] / expected.pgaG - 1) < 1e-6, `row ${row}: ${pga[row]} vs ${expected.pgaG}`);
    assert.ok(Math.abs(pgv[row] / expected.pgvCmS - 1) < 1e-6);
  }
  assert.equal(summary.mode, "gmpe");
  assert.ok(summary.rjbKm && Math.abs(summary.rjbKm.min - 0.15 * KM_PER_DEGREE) < 1e-3);
  for (const name of ["pga.tif", "pga.png", "pgv.tif", "pgv.png", "summary.json"])
    assert.ok(existsSync(join(outDir, name)));
});

test("GMPE map on a UTM grid: shaking falls off away from the epicentre; a Vs30 raster softens or stiffens cells", async () => {
  // 20 x 20 cells of 1 km in UTM 17S around (-79.05, -4.0) (x 716 km, y 9557 km).
  const transform = [706_000, 1000, 0, 9_567_000, 0, -1000];
  const path = await grid("utm.tif", 20, 20, transform, 32717);
  const vs30 = await grid(
    "vs30.tif",
    20,
    20,
    transform,
    32717,
    Array.from({ length: 400 }, (_, i) => (i % 20 < 10 ? 250 : 760)),
  );
  const outDir = join(dir, "utm");
  await runGroundMotion({ grid: path, event, vs30, outDir });
  const pga = (await readRaster(join(outDir, "pga.tif"))).bands[0] as Float32Array;
  let peak = 0;
  for (let i = 1; i < pga.length; i++) if (pga[i] > pga[peak]) peak = i;
  const [row, col] = [Math.floor(peak / 20), peak % 20];
  assert.ok(Math.abs(row - 10) <= 1 && Math.abs(col - 10) <= 1, `peak at row ${row}, col ${col}`);
  // Soft (250 m/s) west half, rock east half. Far from the source, where shaking is weak, the
  // linear site term amplifies soft sites; near it BSSA14's nonlinear term can reverse that.
  assert.ok(pga[19 * 20] > pga[19 * 20 + 19] * 1.1, "soft far corner amplifies weak shaking");
});

test("bad events and missing inputs are InputErrors naming the problem", async () => {
  const path = await grid("bad.tif", 2, 2, [706_000, 1000, 0, 9_567_000, 0, -1000], 32717);
  const eventFile = join(dir, "event.json");
  writeFileSync(eventFile, JSON.stringify({ ...event, magnitude: "big" }));
  await assert.rejects(
    runGroundMotion({ grid: path, event: eventFile, outDir: join(dir, "x") }),
    /event\.json.*magnitude/,
  );
  await assert.rejects(
    runGroundMotion({ grid: path, outDir: join(dir, "y") }),
    /give an event .* or a ShakeMap/,
  );
  const far = { ...event, hypocentre: { lon: -70, lat: 5, depthKm: 10 } };
  await assert.rejects(
    runGroundMotion({ grid: path, event: far, outDir: join(dir, "z") }),
    /Rjb = \d+.* km is outside the range of BSSA14/,
  );
});

test("quakeslide ground-motion gmpe --json prints the rows the issue asks for; map writes its outputs atomically", async () => {
  const gmpe = await runQuakeslide([
    "ground-motion",
    "gmpe",
    "--model",
    "bssa14",
    "--mw",
    "6.5",
    "--rjb",
    "1,10,50",
    "--vs30",
    "760",
    "--mechanism",
    "SS",
    "--json",
  ]);
  assert.equal(gmpe.code, 0, gmpe.stderr);
  const rows = JSON.parse(gmpe.stdout);
  assert.deepEqual(Object.keys(rows[0]), ["rjb_km", "pga_g", "pgv_cm_s", "sigma_ln_pga", "sigma_ln_pgv"]);
  assert.deepEqual(
    rows.map((r: { rjb_km: number }) => r.rjb_km),
    [1, 10, 50],
  );
  assert.ok(rows[0].pga_g > rows[1].pga_g && rows[1].pga_g > rows[2].pga_g);
  const bad = await runQuakeslide([
    "ground-motion",
    "gmpe",
    "--model",
    "bssa14",
    "--mw",
    "6",
    "--rjb",
    "10",
    "--mechanism",
    "XX",
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--mechanism: must be one of SS, NS, RS, U, got "XX"/);

  const eventFile = join(dir, "ok-event.json");
  writeFileSync(eventFile, JSON.stringify(event));
  const path = await grid("cli.tif", 3, 3, [706_000, 1000, 0, 9_567_000, 0, -1000], 32717);
  const out = join(dir, "cli-out");
  const map = await runQuakeslide([
    "ground-motion",
    "map",
    "--grid",
    path,
    "--event",
    eventFile,
    "--out",
    out,
    "--json",
  ]);
  assert.equal(map.code, 0, map.stderr);
  assert.equal(JSON.parse(map.stdout).validCells, 9);
  assert.ok(existsSync(join(out, "pga.tif")));
});
