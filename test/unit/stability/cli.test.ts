import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { type Grid, readRaster, writeCog } from "../../../core/raster/index.ts";
import { newmarkRigidBlock } from "../../../core/stability/newmark.ts";

const dir = mkdtempSync(join(tmpdir(), "quakeslide-stability-cli-"));
const fixtures = new URL("../../fixtures/stability/", import.meta.url).pathname;
const grid: Grid = {
  width: 4,
  height: 3,
  transform: [500000, 10, 0, 9800000, 0, -10],
  crs: { epsg: 32717, geographic: false },
};

function quakeslide(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ["bin/quakeslide.mjs", ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function raster(name: string, values: number[], on: Grid = grid): Promise<string> {
  const path = join(dir, name);
  await writeCog(path, { ...on, bands: [Float32Array.from(values)], nodata: Number.NaN });
  return path;
}

async function band(path: string): Promise<Float32Array> {
  return (await readRaster(path)).bands[0] as Float32Array;
}

test("stability --json scalar mode prints the issue's hand check", () => {
  const run = quakeslide(
    ...["stability", "--slope", "30", "--cohesion", "15", "--friction-angle", "32", "--unit-weight", "18"],
    ...["--thickness", "2.5", "--saturation", "0.3", "--json"],
  );
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout);
  // Issue 3: FS = 1.572015, a_c = 0.286008 g (7 significant digits).
  assert.ok(Math.abs(result.fs - 1.572015) < 5e-7 && Math.abs(result.ac_g - 0.286008) < 5e-7);
  const bad = quakeslide(
    "stability",
    "--slope",
    "30",
    "--cohesion",
    "15",
    "--friction-angle",
    "32",
    "--unit-weight",
    "18",
    "--thickness",
    "2.5",
    "--saturation",
    "1.3",
  );
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--saturation: must be in the physical range \[0, 1\] fraction, got 1.3/);
});

test("stability raster mode: outputs, nodata and unstable mask; mismatched grid exits 2 with no output", async () => {
  const slope = await raster("slope.tif", [30, 30, 0, 60, Number.NaN, 30, 30, 30, 30, 30, 30, 30]);
  const cohesion = await raster("c.tif", [15, 15, 15, 2, 15, 15, 15, 15, 15, 15, 15, 15]);
  const out = join(dir, "stability");
  const args = ["--friction-angle", "32", "--unit-weight", "18", "--thickness", "2.5", "--saturation", "0.3"];
  const run = quakeslide(
    "stability",
    "--slope",
    slope,
    "--cohesion",
    cohesion,
    ...args,
    "--out",
    out,
    "--json",
  );
  assert.equal(run.code, 0, run.stderr);
  const summary = JSON.parse(run.stdout);
  assert.deepEqual([summary.nodataCells, summary.unstableCells, summary.flatCells], [1, 1, 1]);
  for (const name of [
    "fs.tif",
    "fs.png",
    "ac.tif",
    "ac.png",
    "unstable.tif",
    "unstable.png",
    "summary.json",
  ]) {
    assert.ok(existsSync(join(out, name)), name);
  }
  const ac = await band(join(out, "ac.tif"));
  // Float32 storage: 1e-6 absolute on 0.286 g.
  assert.ok(Math.abs(ac[0] - 0.286008) < 1e-6);
  assert.equal(ac[3], 0);
  assert.ok(Number.isNaN(ac[4]));
  const unstable = await band(join(out, "unstable.tif"));
  assert.equal(unstable[3], 1);

  const other = await raster("c-shifted.tif", Array(12).fill(15), {
    ...grid,
    transform: [500010, 10, 0, 9800000, 0, -10],
  });
  const out2 = join(dir, "stability-bad");
  const bad = quakeslide("stability", "--slope", slope, "--cohesion", other, ...args, "--out", out2);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /c-shifted\.tif.*not on the same grid/);
  assert.equal(existsSync(out2), false);
});

test("newmark --json on a PEER record; bad records exit 2 naming file and line", () => {
  const record = join(fixtures, "Rinaldi228.AT2");
  const run = quakeslide("newmark", "--record", record, "--ac", "0.05,0.2", "--json");
  assert.equal(run.code, 0, run.stderr);
  const output = JSON.parse(run.stdout);
  assert.equal(output.npts, 1991);
  assert.equal(output.dt_s, 0.01);
  assert.equal(output.results.length, 2);
  assert.ok(output.results[0].normal_cm > output.results[1].normal_cm);
  const bad = join(dir, "bad.txt");
  writeFileSync(bad, "0.1\n0.2\nnan\n");
  const failed = quakeslide("newmark", "--record", bad, "--dt", "0.01", "--ac", "0.1");
  assert.equal(failed.code, 2);
  assert.match(failed.stderr, /bad\.txt.*line 3/);
});

test("newmark-map: record mode matches the per-cell rigid block; regression mode; bad inputs exit 2", async () => {
  const acValues = [0, 0.02, 0.05, 0.1, 0.2, Number.NaN, 0.3, 0.5, 0.8, 1.0, 0.07, 0.011];
  const ac = await raster("ac.tif", acValues);
  const record = join(fixtures, "slammer", "PAC-175");
  const out = join(dir, "nm");
  const run = quakeslide(
    "newmark-map",
    "--ac",
    ac,
    "--record",
    record,
    "--dt",
    "0.02",
    "--polarity",
    "normal",
    "--out",
    out,
    "--json",
  );
  assert.equal(run.code, 0, run.stderr);
  const dn = await band(join(out, "dn_cm.tif"));
  const pf = await band(join(out, "pf.tif"));
  const samples = readFileSync(record, "utf8").trim().split("\n").map(Number);
  acValues.forEach((value, i) => {
    if (Number.isNaN(value)) {
      assert.ok(Number.isNaN(dn[i]) && Number.isNaN(pf[i]));
      return;
    }
    const exact = newmarkRigidBlock(samples, 0.02, Math.fround(value));
    // Table interpolation (0.1 %) + Float32 storage.
    assert.ok(Math.abs(dn[i] - exact) <= 1e-3 * exact + 1e-6, `a_c ${value}: ${dn[i]} vs ${exact}`);
  });
  const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
  const above = acValues.filter((_, i) => dn[i] > 5).length;
  assert.equal(summary.cellsAboveThreshold, above);
  assert.equal(summary.areaAboveThresholdM2, above * 100);

  const pga = await raster("pga.tif", Array(12).fill(0.4));
  const regression = quakeslide(
    "newmark-map",
    "--ac",
    ac,
    "--pga",
    pga,
    "--model",
    "jibson2007",
    "--out",
    join(dir, "j07"),
    "--json",
  );
  assert.equal(regression.code, 0, regression.stderr);
  const j07 = await band(join(dir, "j07", "dn_cm.tif"));
  // Jibson 2007 eq 6 at a_c/PGA = 0.25 (cell 3: a_c 0.1, PGA 0.4), Float32 storage.
  const expected = 10 ** 0.215 * 0.75 ** 2.341 * 0.25 ** -1.438;
  assert.ok(Math.abs(j07[3] - expected) < 1e-6 * expected);
  assert.equal(j07[7], 0);

  const negative = await raster(
    "ac-negative.tif",
    [0.1, 0.1, 0.1, 0.1, 0.1, -0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
  );
  const badOut = join(dir, "nm-bad");
  const bad = quakeslide(
    "newmark-map",
    "--ac",
    negative,
    "--record",
    record,
    "--dt",
    "0.02",
    "--out",
    badOut,
  );
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /ac-negative\.tif.*col 1, row 1.*negative/);
  assert.equal(existsSync(badOut), false);
  const missing = quakeslide(
    "newmark-map",
    "--ac",
    ac,
    "--pga",
    pga,
    "--model",
    "saygili-rathje2008",
    "--out",
    badOut,
  );
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /saygili-rathje2008 needs a PGV raster/);
});
