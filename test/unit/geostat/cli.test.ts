import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { krigeOutputNames } from "../../../core/geostat/step.ts";
import { bandAsFloat32, readRaster, writeCog } from "../../../core/raster/index.ts";
import {
  assertRefused,
  FIXED,
  FLOAT32_TOLERANCE,
  logSamples,
  meuse,
  meuseTemplate,
  readPredictions,
  reference,
  runCli,
  scratch,
} from "./cli-setup.ts";
import { fixture, maxRelativeError, readFixture } from "./helpers.ts";

test("krige on a GeoTIFF template: COGs equal gstat's local (nmax 20) ordinary kriging, nodata kept", async () => {
  const { path, cellOf } = await meuseTemplate();
  const out = join(scratch, "grid");
  const args = [
    "--samples",
    logSamples,
    "--value",
    "logzinc",
    "--grid",
    path,
    "--variogram",
    FIXED,
    "--nmax",
    "20",
    "--out",
    out,
    "--json",
  ];
  const { code, stdout, stderr } = await runCli(args);
  assert.equal(code, 0, stderr);
  assert.deepEqual(readdirSync(out).sort(), krigeOutputNames(path).sort());
  const summary = JSON.parse(stdout);
  assert.equal(summary.targets.predicted, reference.x.length);
  const prediction = bandAsFloat32(await readRaster(join(out, "prediction.tif")));
  const variance = bandAsFloat32(await readRaster(join(out, "variance.tif")));
  const cells = Array.from(reference.x, (_, i) => cellOf(i));
  assert.ok(
    maxRelativeError(
      cells.map((c) => prediction[c]),
      reference.ok20_pred,
    ) < FLOAT32_TOLERANCE,
  );
  assert.ok(
    maxRelativeError(
      cells.map((c) => variance[c]),
      reference.ok20_var,
    ) < FLOAT32_TOLERANCE,
  );
  assert.equal(prediction.filter((v) => Number.isNaN(v)).length, prediction.length - reference.x.length);
});

test("--log with simple kriging back-transforms gstat's SK as exp(y + s²/2), variance p²(exp(s²) − 1)", async () => {
  const out = join(scratch, "log");
  const args = [
    "--samples",
    fixture("meuse.csv"),
    "--value",
    "zinc",
    "--log",
    "--grid",
    fixture("meuse_grid.csv"),
  ];
  const { code, stdout } = await runCli([
    ...args,
    "--method",
    "simple",
    "--mean",
    "5.9",
    "--variogram",
    FIXED,
    "--out",
    out,
    "--json",
  ]);
  assert.equal(code, 0);
  const { pred, variance } = readPredictions(join(out, "predictions.csv"));
  const expected = Array.from(reference.sk_pred, (y, i) => Math.exp(y + reference.sk_var[i] / 2));
  assert.ok(maxRelativeError(pred, expected) < FLOAT32_TOLERANCE);
  const expectedVariance = expected.map((p, i) => p * p * Math.expm1(reference.sk_var[i]));
  assert.ok(maxRelativeError(variance, expectedVariance) < FLOAT32_TOLERANCE);
  assert.match(JSON.parse(stdout).backTransform, /lognormal/);
});

test("leave-one-out statistics equal those of gstat's krige.cv", async () => {
  const out = join(scratch, "cv");
  const { code, stdout } = await runCli([
    "--samples",
    logSamples,
    "--value",
    "logzinc",
    "--grid",
    fixture("meuse_grid.csv"),
    "--variogram",
    FIXED,
    "--out",
    out,
    "--json",
  ]);
  assert.equal(code, 0);
  const cv = JSON.parse(stdout).crossValidation;
  const gstat = readFixture("loocv_fixed_model.csv", ["pred", "var", "observed"]);
  const errors = gstat.pred.map((p, i) => p - gstat.observed[i]);
  const meanError = errors.reduce((s, e) => s + e, 0) / errors.length;
  const rmse = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
  const msdr = errors.reduce((s, e, i) => s + (e * e) / gstat.var[i], 0) / errors.length;
  // Same doubles up to summation order: 1e-9 relative (mean error is ~1e-5, so compare it absolutely).
  assert.ok(Math.abs(cv.meanError - meanError) < 1e-12);
  assert.ok(Math.abs(cv.rootMeanSquareError / rmse - 1) < 1e-9);
  assert.ok(Math.abs(cv.meanSquaredDeviationRatio / msdr - 1) < 1e-9);
});

test("auto variogram, universal and regression kriging run end to end on points and write every output", async () => {
  for (const method of ["universal", "regression"]) {
    const out = join(scratch, `auto-${method}`);
    const args = [
      "--samples",
      fixture("meuse.csv"),
      "--value",
      "zinc",
      "--log",
      "--grid",
      fixture("meuse_grid.csv"),
    ];
    const { code, stdout } = await runCli([
      ...args,
      "--method",
      method,
      "--covariate",
      "dist",
      "--nmax",
      "30",
      "--cv",
      "5",
      "--out",
      out,
      "--json",
    ]);
    assert.equal(code, 0);
    const summary = JSON.parse(stdout);
    assert.equal(summary.crossValidation.folds, 5);
    assert.equal(summary.targets.predicted, reference.x.length);
    assert.ok(summary.prediction.min > 0, "back-transformed zinc is positive");
    assert.deepEqual(readdirSync(out).sort(), krigeOutputNames("x.csv").sort());
  }
});

/** Expects exit 2, one error line matching `pattern`, and no output folder. */
test("universal kriging with a covariate raster: samples take their cell's value, nodata cells stay empty", async () => {
  const { path: template, cellOf } = await meuseTemplate();
  const dist = readFixture("meuse_grid.csv", ["dist"]).dist;
  const [x0, y0, width, height] = [178440, 333760, 78, 104];
  // sqrt(dist) on the meuse.grid cells; the ring of cells around them gets their mean so that
  // samples just outside meuse.grid still find a value, the rest is nodata.
  const covariate = new Float32Array(width * height).fill(Number.NaN);
  dist.forEach((d, i) => {
    covariate[cellOf(i)] = Math.sqrt(d);
  });
  const raster = join(scratch, "sqrt_dist.tif");
  await writeCog(raster, {
    width,
    height,
    transform: [x0, 40, 0, y0, 0, -40],
    crs: { epsg: 28992, geographic: false },
    bands: [covariate],
  });
  const cellAt = (x: number, y: number) => Math.floor((y0 - y) / 40) * width + Math.floor((x - x0) / 40);
  const inside = [...meuse.x.keys()].filter((i) => !Number.isNaN(covariate[cellAt(meuse.x[i], meuse.y[i])]));
  const samples = join(scratch, "meuse_inside.csv");
  writeFileSync(
    samples,
    `x,y,logzinc\n${inside.map((i) => `${meuse.x[i]},${meuse.y[i]},${meuse.z[i]}`).join("\n")}\n`,
  );
  const out = join(scratch, "uk-raster");
  const args = [
    "--samples",
    samples,
    "--value",
    "logzinc",
    "--grid",
    template,
    "--method",
    "universal",
    "--covariate",
    raster,
  ];
  const { code, stderr } = await runCli([...args, "--variogram", FIXED, "--cv", "none", "--out", out]);
  assert.equal(code, 0, stderr);
  // The same problem through the kriging core, with the covariate read where the CLI must read it.
  const { Kriger } = await import("../../../core/geostat/kriging.ts");
  const pick = (values: Float64Array) => Float64Array.from(inside, (i) => values[i]);
  const sampleCovariate = Float64Array.from(inside, (i) => covariate[cellAt(meuse.x[i], meuse.y[i])]);
  const kriger = new Kriger({
    model: { type: "sph", nugget: 0.05, psill: 0.59, range: 897, kappa: 0.5 },
    x: pick(meuse.x),
    y: pick(meuse.y),
    z: pick(meuse.z),
    trend: [new Float64Array(inside.length).fill(1), sampleCovariate],
    neighbourhood: null,
  });
  const prediction = bandAsFloat32(await readRaster(join(out, "prediction.tif")));
  const result = { prediction: 0, variance: 0, lagrangeTerm: 0 };
  let worst = 0;
  for (let i = 0; i < reference.x.length; i++) {
    const cell = cellOf(i);
    kriger.predict(reference.x[i], reference.y[i], Float64Array.of(1, covariate[cell]), result);
    worst = Math.max(worst, Math.abs(prediction[cell] - result.prediction) / Math.abs(result.prediction));
  }
  assert.ok(worst < FLOAT32_TOLERANCE, `max relative difference ${worst}`);
  assert.equal(prediction.filter((v) => !Number.isNaN(v)).length, reference.x.length);
  // A sample on a nodata cell of the covariate is refused, naming the raster.
  const empty = covariate.findIndex((v) => Number.isNaN(v));
  const [ex, ey] = [x0 + 40 * (empty % width) + 20, y0 - 40 * Math.floor(empty / width) - 20];
  const withStray = join(scratch, "meuse_stray.csv");
  writeFileSync(withStray, `${readFileSync(samples, "utf8")}${ex},${ey},6\n`);
  const refused = ["--samples", withStray, ...args.slice(2), "--variogram", FIXED];
  const message = `sqrt_dist.tif: sample ${inside.length + 1} at (${ex}, ${ey}) lies outside the covariate raster or on nodata`;
  await assertRefused(refused, new RegExp(message.replace(/[.()]/g, "\\$&")), "covariate-nodata");
});

test("--cloud writes every pair within the cutoff", async () => {
  const out = join(scratch, "cloud");
  const { code, stdout } = await runCli([
    "--samples",
    logSamples,
    "--value",
    "logzinc",
    "--grid",
    fixture("meuse_grid.csv"),
    "--variogram",
    FIXED,
    "--cloud",
    "--cv",
    "none",
    "--out",
    out,
    "--json",
  ]);
  assert.equal(code, 0);
  const pairs = readFileSync(join(out, "variogram_cloud.csv"), "utf8").trim().split("\n").length - 1;
  const variogram = readFixture("variogram_default.csv", ["np"]);
  assert.equal(
    pairs,
    variogram.np.reduce((s, n) => s + n, 0),
  );
  assert.ok(JSON.parse(stdout).outputs.includes("variogram_cloud.csv"));
});
