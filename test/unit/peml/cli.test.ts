import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { PemlArtifact } from "../../../core/peml/artifact.ts";
import { readRaster } from "../../../core/raster/index.ts";
import { generateSynthetic } from "../../fixtures/peml/synthetic.ts";
import { runQuakeslide } from "../../helpers/run-cli.ts";
import { ECUADOR_CSV, ECUADOR_TIF } from "../ml/helpers.ts";
import { FIXTURES, rmse } from "./helpers.ts";

const work = mkdtempSync(join(tmpdir(), "quakeslide-peml-cli-"));
after(() => rmSync(work, { recursive: true, force: true }));

const cli = (...args: string[]) => runQuakeslide(args);
const covariates = join(FIXTURES, "covariates.tif");
const pga = join(FIXTURES, "pga.tif");
const staticInventory = join(FIXTURES, "inventory-static.csv");
const seismicInventory = join(FIXTURES, "inventory-seismic.csv");
const trainArgs = [
  "--label",
  "landslide",
  "--covariates",
  covariates,
  "--classes",
  "lith",
  "--prior",
  "thickness=2.4,0.1",
  "--prior",
  "saturation=0.2,0.05",
  "--cv-repeats",
  "0",
];

test("peml --help and each sub-verb's help name units, defaults and an example", async () => {
  const overview = await cli("peml", "--help");
  assert.equal(overview.code, 0);
  assert.match(overview.stdout, /cv\s+spatial CV AUROC/);
  for (const sub of ["cv", "train", "predict", "evaluate", "explain"]) {
    const r = await cli("peml", "help", sub);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Examples?:\n\s+quakeslide peml/, sub);
  }
  assert.match((await cli("peml", "help", "train")).stdout, /kPa/);
});

test("train -> predict -> evaluate -> explain on the synthetic landscape", async () => {
  const model = join(work, "model");
  const train = await cli(
    "peml",
    "train",
    "--inventory",
    staticInventory,
    ...trainArgs,
    "--out",
    model,
    "--json",
  );
  assert.equal(train.code, 0, train.stderr);
  const artifact = JSON.parse(readFileSync(join(model, "model.json"), "utf8"));
  assert.equal(artifact.format, "quakeslide-peml-model");
  assert.deepEqual(
    artifact.features.map((f: { name: string }) => f.name),
    ["elev", "lith", "noise"],
  );
  assert.deepEqual(artifact.features[1].levels, [1, 2, 3]);
  assert.equal(artifact.training.epsg, 32717);
  assert.match(artifact.training.sha256, /^[0-9a-f]{64}$/);
  assert.equal(readFileSync(join(model, "history.csv"), "utf8").trim().split("\n").length, 301);

  const map = join(work, "map");
  const predict = await cli(
    "peml",
    "predict",
    "--model",
    join(model, "model.json"),
    "--covariates",
    covariates,
    "--out",
    map,
    "--json",
  );
  assert.equal(predict.code, 0, predict.stderr);
  for (const name of ["cohesion", "friction", "saturation", "thickness", "fs", "ac", "pf"]) {
    assert.ok(existsSync(join(map, `${name}.tif`)) && existsSync(join(map, `${name}.png`)), name);
  }
  // The map is the model on every cell: compare with the synthetic truth on all 3,600 cells
  // (trained on a third of them). Same bounds as train.test.ts.
  const truth = generateSynthetic();
  const friction = (await readRaster(join(map, "friction.tif"))).bands[0] as Float32Array;
  assert.ok(
    rmse(friction, truth.truth.friction) < 6.3 / 3,
    `phi' RMSE ${rmse(friction, truth.truth.friction)}`,
  );
  const plausibility = JSON.parse(readFileSync(join(map, "plausibility.json"), "utf8"));
  const thickness = plausibility.parameters.find((p: { parameter: string }) => p.parameter === "thickness");
  assert.ok(Math.abs(thickness.mean - 2.4) < 0.05 && thickness.shareAtUpperBound === 0);
  assert.equal(plausibility.probability, "static");

  const evaluation = join(work, "evaluation");
  const evaluate = await cli(
    "peml",
    "evaluate",
    "--model",
    join(model, "model.json"),
    "--inventory",
    staticInventory,
    "--covariates",
    covariates,
    "--out",
    evaluation,
    "--json",
  );
  assert.equal(evaluate.code, 0, evaluate.stderr);
  const scores = JSON.parse(evaluate.stdout);
  assert.ok(scores.auroc > 0.85, `AUROC ${scores.auroc}`);
  // A third of the cells fail: the top 10 % of the map should hold well over 10 % of the landslides.
  assert.equal(scores.hitRate.population, "raster cells");
  assert.ok(scores.hitRate.lift > 2, `lift ${scores.hitRate.lift}`);
  assert.equal(readFileSync(join(evaluation, "calibration.csv"), "utf8").trim().split("\n").length, 11);
  assert.ok(existsSync(join(evaluation, "calibration.png")));

  const explain = join(work, "explain");
  const shap = await cli(
    "peml",
    "explain",
    "--model",
    join(model, "model.json"),
    "--inventory",
    staticInventory,
    "--covariates",
    covariates,
    "--background",
    "20",
    "--out",
    explain,
    "--json",
  );
  assert.equal(shap.code, 0, shap.stderr);
  const summary = JSON.parse(shap.stdout);
  for (const r of [...summary.physics, ...summary.model]) assert.ok(r.maxEfficiencyError < 1e-12, r.target);
  assert.equal(summary.physics[0].ranking[0].covariate, "slope");
  assert.equal(readdirSync(explain).filter((f) => f.endsWith(".png")).length, 5);
  const header = readFileSync(join(explain, "shap-physics.csv"), "utf8").split("\n")[0];
  assert.match(header, /^line,x,y,label,.*shap_fs_cohesion.*shap_ac_slope/);

  // Raster cells instead of inventory points: every cell of the 60 x 60 grid is valid.
  const cells = await cli(
    "peml",
    "explain",
    "--model",
    join(model, "model.json"),
    "--cells",
    "50",
    "--covariates",
    covariates,
    "--background",
    "10",
    "--out",
    join(work, "explain-cells"),
    "--json",
  );
  assert.equal(cells.code, 0, cells.stderr);
  assert.equal(JSON.parse(cells.stdout).explained, "cells");
  const rows = readFileSync(join(work, "explain-cells", "shap-model.csv"), "utf8")
    .trim()
    .split("\n");
  assert.equal(rows.length, 51);
  assert.match(rows[0], /^cell,x,y,elev,lith,noise,slope,fs,ac,pf,/);
});

test("the Newmark term: train and predict with the event's PGA; PGA on a static model is an input error", async () => {
  const model = join(work, "seismic");
  const train = await cli(
    "peml",
    "train",
    "--inventory",
    seismicInventory,
    ...trainArgs,
    "--pga",
    pga,
    "--epochs",
    "100",
    "--out",
    model,
    "--json",
  );
  assert.equal(train.code, 0, train.stderr);
  assert.equal(JSON.parse(train.stdout).seismic, true);
  const withPga = await cli(
    "peml",
    "predict",
    "--model",
    join(model, "model.json"),
    "--covariates",
    covariates,
    "--pga",
    pga,
    "--out",
    join(work, "seismic-map"),
    "--json",
  );
  assert.equal(withPga.code, 0, withPga.stderr);
  assert.equal(JSON.parse(withPga.stdout).probability, "static+seismic");
  const staticModel = join(work, "model", "model.json");
  const refused = await cli(
    "peml",
    "predict",
    "--model",
    staticModel,
    "--covariates",
    covariates,
    "--pga",
    pga,
    "--out",
    join(work, "refused"),
  );
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /trained without ground motion/);
  assert.ok(!existsSync(join(work, "refused")), "no partial output");
});

test("cv on the Ecuador inventory: the model, the forest and the GLM on the same folds as susceptibility cv, all above chance", async (t) => {
  const features = ["--features", "slope,cplan,cprof,elev,log10_carea"];
  const out = join(work, "cv");
  const r = await cli(
    "peml",
    "cv",
    "--inventory",
    ECUADOR_CSV,
    "--label",
    "lslpts",
    ...features,
    "--out",
    out,
    "--json",
  );
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.deepEqual(
    summary.learners.map((l: { learner: string }) => l.learner),
    ["peml", "rf", "glm"],
  );
  t.diagnostic(
    summary.learners
      .map((l: { learner: string; aurocMean: number }) => `${l.learner} ${l.aurocMean.toFixed(3)}`)
      .join(", "),
  );
  // Spatial CV on 350 points: the book reports ~0.75 for the forest; chance is 0.5.
  for (const l of summary.learners)
    assert.ok(l.aurocMean > 0.6 && l.scoredFolds === 5, `${l.learner} ${l.aurocMean}`);
  assert.deepEqual(summary.networkFeatures, ["cplan", "cprof", "elev", "log10_carea"]);
  const reference = join(work, "susceptibility-cv");
  const s = await cli(
    "susceptibility",
    "cv",
    "--inventory",
    ECUADOR_CSV,
    "--label",
    "lslpts",
    ...features,
    "--learner",
    "glm",
    "--out",
    reference,
    "--json",
  );
  assert.equal(s.code, 0, s.stderr);
  assert.equal(
    readFileSync(join(out, "folds.csv"), "utf8"),
    readFileSync(join(reference, "folds.csv"), "utf8"),
  );
  assert.equal(JSON.parse(s.stdout).aurocMean, summary.learners[2].aurocMean);
});

test("train and predict on the Ecuador raster run end to end (no class covariates, default priors)", async () => {
  const model = join(work, "ecuador-model");
  const train = await cli(
    "peml",
    "train",
    "--inventory",
    ECUADOR_CSV,
    "--label",
    "lslpts",
    "--covariates",
    ECUADOR_TIF,
    "--epochs",
    "100",
    "--cv-repeats",
    "0",
    "--out",
    model,
    "--json",
  );
  assert.equal(train.code, 0, train.stderr);
  const predict = await cli(
    "peml",
    "predict",
    "--model",
    join(model, "model.json"),
    "--covariates",
    ECUADOR_TIF,
    "--out",
    join(work, "ecuador-map"),
    "--json",
  );
  assert.equal(predict.code, 0, predict.stderr);
  const summary = JSON.parse(predict.stdout);
  assert.equal(summary.nodataCells, 619, "the raster's nodata corner stays nodata");
  for (const p of summary.parameters)
    assert.ok(p.mean >= p.bounds.lower && p.mean <= p.bounds.upper, p.parameter);
});

test("bad input: one line naming the problem, exit 2, nothing written", async () => {
  const out = join(work, "bad");
  const cases: [string[], RegExp][] = [
    [
      [
        "train",
        "--inventory",
        staticInventory,
        "--label",
        "landslide",
        "--features",
        "elev",
        "--slope",
        "steepness",
        "--out",
        out,
      ],
      /column "steepness"/,
    ],
    [
      [
        "train",
        "--inventory",
        staticInventory,
        "--label",
        "landslide",
        "--features",
        "elev",
        "--prior",
        "cohesion=5",
        "--out",
        out,
      ],
      /--prior must look like NAME=MEAN,SD/,
    ],
    [
      [
        "train",
        "--inventory",
        staticInventory,
        "--label",
        "landslide",
        "--features",
        "elev",
        "--classes",
        "lith",
        "--out",
        out,
      ],
      /--classes names "lith"/,
    ],
    [
      [
        "train",
        "--inventory",
        staticInventory,
        "--label",
        "landslide",
        "--features",
        "elev",
        "--unit-weight",
        "9",
        "--out",
        out,
      ],
      /must exceed the water unit weight/,
    ],
    [["predict", "--model", ECUADOR_CSV, "--covariates", covariates, "--out", out], /not valid JSON/],
    [
      ["cv", "--inventory", ECUADOR_CSV, "--label", "lslpts", "--features", "slope,elev", "--learner", "rf"],
      /unknown option --learner/,
    ],
    [
      ["evaluate", "--model", join(work, "model", "model.json"), "--inventory", staticInventory],
      /give --covariates/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = await cli("peml", ...args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.ok(!existsSync(out), "no partial output");
  }
});

test("a tampered model.json is refused naming the field; the memory limit is honoured", async () => {
  const artifact = JSON.parse(readFileSync(join(work, "model", "model.json"), "utf8"));
  const tampered: [string, (a: PemlArtifact) => void, RegExp][] = [
    ["weights", (a) => a.network.layers[0].weights.pop(), /network\.layers\.0 has \d+ weights/],
    ["bounds", (a) => (a.physics.bounds.friction.upper = 95), /physics\.bounds\.friction/],
    ["sd", (a) => Object.assign(a.features[0], { sd: 0 }), /features\.0\.sd/],
    [
      "format",
      (a) => Object.assign(a, { format: "quakeslide-susceptibility-model" }),
      /not a physics-embedded model/,
    ],
  ];
  for (const [name, change, message] of tampered) {
    const copy = structuredClone(artifact);
    change(copy);
    const file = join(work, `tampered-${name}.json`);
    writeFileSync(file, JSON.stringify(copy));
    const r = await cli(
      "peml",
      "predict",
      "--model",
      file,
      "--covariates",
      covariates,
      "--out",
      join(work, "never"),
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
  }
  const limited = await cli(
    "peml",
    "predict",
    "--model",
    join(work, "model", "model.json"),
    "--covariates",
    covariates,
    "--memory-limit-gb",
    "0.0001",
    "--out",
    join(work, "never"),
  );
  assert.equal(limited.code, 2, limited.stderr);
  assert.match(limited.stderr, /above the limit of 0\.0001 GB/);
  assert.ok(!existsSync(join(work, "never")));
});
