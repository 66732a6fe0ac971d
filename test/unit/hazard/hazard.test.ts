import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  classOf,
  DEFAULT_MATRIX,
  DEFAULT_PF_BREAKS,
  hazardClasses,
  matrixProblem,
} from "../../../core/hazard/classes.ts";
import { runHazard } from "../../../core/hazard/step.ts";
import { classTable } from "../../../core/hazard/summary.ts";
import { type Grid, readRaster, writeCog } from "../../../core/raster/index.ts";
import { infiniteSlope } from "../../../core/stability/infinite-slope.ts";
import { jibson2007, probabilityOfFailure } from "../../../core/stability/regressions.ts";

const grid: Grid = {
  width: 4,
  height: 2,
  transform: [500_000, 10, 0, 9_800_000, 0, -10],
  crs: { epsg: 32717, geographic: false },
};

test("the P(f) breaks are the P(f) of D_N = 1, 5 and 15 cm (Jibson & Michael 2009's zones)", () => {
  for (const [k, dn] of [1, 5, 15].entries()) {
    assert.ok(
      Math.abs(probabilityOfFailure(dn) - DEFAULT_PF_BREAKS[k]) < 5e-4,
      `${dn} cm: ${probabilityOfFailure(dn)}`,
    );
  }
  assert.deepEqual(
    [0, 0.0157, 0.1, 0.15, 0.2, 0.323, 0.335].map((p) => classOf(p, DEFAULT_PF_BREAKS)),
    [0, 1, 1, 2, 2, 3, 3],
  );
});

test("the default matrix never lowers hazard as P(f) or susceptibility rises; a falling matrix is refused", () => {
  assert.equal(matrixProblem(DEFAULT_MATRIX), undefined);
  const falling = DEFAULT_MATRIX.map((row) => [...row]);
  falling[3][3] = 1;
  assert.match(String(matrixProblem(falling)), /entry \[3\]\[3\] = 1 is lower/);
  assert.match(String(matrixProblem([[1, 2]])), /4 x 4/);
});

test("hazard rises with PGA and steep slopes rank above gentle ones (stability -> Jibson 2007 -> P(f) -> class)", () => {
  const soil = {
    cohesion: 10,
    frictionAngle: 32,
    unitWeight: 19,
    thickness: 2,
    saturation: 0.2,
    waterUnitWeight: 9.81,
  };
  const slopes = [10, 20, 30, 40];
  const acs = slopes.map((slopeDeg) => infiniteSlope({ slope: slopeDeg, ...soil }).acG);
  const susceptibility = Float32Array.from(slopes, () => 0.6);
  const classesAt = (pga: number) =>
    hazardClasses(
      Float32Array.from(acs, (ac) => probabilityOfFailure(jibson2007(ac, pga))),
      susceptibility,
    );
  let previous = classesAt(0.05);
  for (const pga of [0.1, 0.2, 0.4, 0.8]) {
    const current = classesAt(pga);
    for (let i = 0; i < slopes.length; i++)
      assert.ok(current[i] >= previous[i], `PGA ${pga}, slope ${slopes[i]}`);
    previous = current;
  }
  const strong = classesAt(0.4);
  for (let i = 1; i < slopes.length; i++)
    assert.ok(strong[i] >= strong[i - 1], `slope ${slopes[i]} >= ${slopes[i - 1]}`);
  assert.ok(strong[3] > strong[0], `steepest ${strong[3]} above gentlest ${strong[0]}`);
  assert.ok(classesAt(0.8).reduce((a, b) => a + b) > classesAt(0.05).reduce((a, b) => a + b));
});

test("the class table: areas add up to the classified area, exposure to the exposure of classified cells", () => {
  const classes = Float32Array.of(1, 1, 2, 4, Number.NaN, 3, 3, 3);
  const exposure = Float32Array.of(10, 0, 5, 100, 7, 1, 2, Number.NaN);
  const rows = classTable(grid, classes, exposure);
  assert.deepEqual(
    rows.map((r) => r.cells),
    [2, 1, 3, 1],
  );
  assert.ok(Math.abs(rows.reduce((s, r) => s + r.areaKm2, 0) - 7 * 100e-6) < 1e-12);
  assert.ok(Math.abs(rows.reduce((s, r) => s + r.share, 0) - 1) < 1e-12);
  assert.deepEqual(
    rows.map((r) => r.exposure),
    [10, 5, 3, 100],
    "nodata exposure counts as none; nodata class is left out",
  );
});

test("the hazard step writes a COG, a PNG, a CSV and a summary; mismatched grids and values outside [0, 1] are refused", async () => {
  const dir = mkdtempSync(join(tmpdir(), "quakeslide-hazard-"));
  const raster = async (name: string, values: number[], on: Grid = grid) => {
    await writeCog(join(dir, name), { ...on, bands: [Float32Array.from(values)], nodata: Number.NaN });
    return join(dir, name);
  };
  const pf = await raster("pf.tif", [0, 0.01, 0.1, 0.2, 0.3, 0.33, Number.NaN, 0.33]);
  const susceptibility = await raster("s.tif", [0.1, 0.3, 0.6, 0.9, 0.9, 0.9, 0.5, 0.1]);
  const people = await raster("people.tif", [1, 2, 3, 4, 5, 6, 7, 8]);
  const outDir = join(dir, "out");
  const summary = await runHazard({
    pf,
    susceptibility,
    exposure: people,
    exposureName: "population",
    outDir,
  });
  for (const name of ["hazard_class.tif", "hazard_class.png", "hazard_classes.csv", "summary.json"])
    assert.ok(existsSync(join(outDir, name)));
  const classes = (await readRaster(join(outDir, "hazard_class.tif"))).bands[0] as Float32Array;
  assert.deepEqual(
    [...classes].map((c) => (Number.isNaN(c) ? null : c)),
    [1, 1, 2, 4, 4, 4, null, 3],
  );
  assert.equal(summary.exposureTotal, 1 + 2 + 3 + 4 + 5 + 6 + 8);
  assert.match(
    readFileSync(join(outDir, "hazard_classes.csv"), "utf8"),
    /^class,name,cells,area_km2,share,population\n1,low,2,0\.000200,0\.285714,3\n/,
  );
  const shifted = await raster("shifted.tif", [0, 0, 0, 0, 0, 0, 0, 0], {
    ...grid,
    transform: [500_010, 10, 0, 9_800_000, 0, -10],
  });
  await assert.rejects(runHazard({ pf, susceptibility: shifted, outDir: join(dir, "x") }), /shifted\.tif/);
  const bad = await raster("bad.tif", [0, 0, 0, 0, 0, 0, 0, 2]);
  await assert.rejects(
    runHazard({ pf, susceptibility: bad, outDir: join(dir, "y") }),
    /susceptibility 2 at cell 7 is outside \[0, 1\]/,
  );
});

test("quakeslide hazard: --json summary, atomic outputs, one-line errors", async () => {
  const { runQuakeslide } = await import("../../helpers/run-cli.ts");
  const dir = mkdtempSync(join(tmpdir(), "quakeslide-hazard-cli-"));
  const write = async (name: string, values: number[]) => {
    await writeCog(join(dir, name), { ...grid, bands: [Float32Array.from(values)], nodata: Number.NaN });
    return join(dir, name);
  };
  const pf = await write("pf.tif", [0, 0.05, 0.2, 0.33, 0, 0.05, 0.2, 0.33]);
  const s = await write("s.tif", [0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1]);
  const ok = await runQuakeslide([
    "hazard",
    "--pf",
    pf,
    "--susceptibility",
    s,
    "--out",
    join(dir, "out"),
    "--json",
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).classifiedCells, 8);
  const bad = await runQuakeslide([
    "hazard",
    "--pf",
    pf,
    "--susceptibility",
    s,
    "--out",
    join(dir, "bad"),
    "--pf-breaks",
    "0.3,0.2,0.1",
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--pf-breaks: the three breaks must increase/);
  assert.ok(!existsSync(join(dir, "bad")), "no partial output");
});

test("comparing two maps: difference, mean absolute difference, correlation, cells changing class", async () => {
  const { compareMaps } = await import("../../../core/hazard/compare.ts");
  const previous = Float32Array.of(0.1, 0.3, 0.6, 0.9, Number.NaN);
  const next = Float32Array.of(0.2, 0.4, 0.7, 0.8, 0.5);
  const { difference, stats } = compareMaps(previous, next);
  assert.deepEqual(
    [...difference].slice(0, 4).map((d) => Number(d.toFixed(6))),
    [0.1, 0.1, 0.1, -0.1],
  );
  assert.ok(Number.isNaN(difference[4]));
  assert.equal(stats.cells, 4);
  assert.ok(
    Math.abs((stats.meanDifference ?? 0) - 0.05) < 1e-6 &&
      Math.abs((stats.meanAbsoluteDifference ?? 0) - 0.1) < 1e-6,
  );
  // Classes at 0.25/0.5/0.75: 0.1→0.2 stays low, 0.3→0.4 stays moderate, 0.6→0.7 stays high, 0.9→0.8 stays very high.
  assert.equal(stats.classChangedShare, 0);
  assert.ok((stats.correlation ?? 0) > 0.9);
  assert.equal(
    compareMaps(previous, Float32Array.of(0.3, 0.3, 0.3, 0.3, 0.3)).stats.correlation,
    null,
    "a constant map has no correlation",
  );
});
