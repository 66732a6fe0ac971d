import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { readRaster, writeCog } from "../../../core/raster/index.ts";
import { runQuakeslide } from "../../helpers/run-cli.ts";
import { ECUADOR_CSV, ECUADOR_TIF, FIXTURES } from "./helpers.ts";

const work = mkdtempSync(join(tmpdir(), "quakeslide-ml-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs the CLI in-process, capturing what it prints. */
const cli = (...args: string[]) => runQuakeslide(args);

const ecuadorCsv = ["--inventory", ECUADOR_CSV, "--label", "lslpts"];

test("cv --json prints per-fold AUROC and the mean", async () => {
  const r = await cli(
    "susceptibility",
    "cv",
    ...ecuadorCsv,
    "--features",
    "slope,cplan,cprof,elev,log10_carea",
    "--learner",
    "glm",
    "--repeats",
    "2",
    "--json",
  );
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.scores.length, 10);
  const mean = summary.scores.reduce((a: number, s: { auroc: number }) => a + s.auroc, 0) / 10;
  assert.ok(Math.abs(mean - summary.aurocMean) < 1e-12);
});

test("train -> predict -> explain -> evaluate on the bundled data", async () => {
  const model = join(work, "model");
  const train = await cli(
    "susceptibility",
    "train",
    ...ecuadorCsv,
    "--covariates",
    ECUADOR_TIF,
    "--trees",
    "30",
    "--out",
    model,
    "--json",
  );
  assert.equal(train.code, 0, train.stderr);
  const artifact = JSON.parse(readFileSync(join(model, "model.json"), "utf8"));
  assert.equal(artifact.format, "quakeslide-susceptibility-model");
  assert.deepEqual(artifact.features, ["slope", "cplan", "cprof", "elev", "log10_carea"]);
  assert.match(artifact.training.sha256, /^[0-9a-f]{64}$/);
  assert.equal(artifact.training.epsg, 32717);
  assert.ok(artifact.cv.aurocMean > 0.6);
  // Ecuador forests misclassify ~20-25 % out of bag (spatial CV AUROC ~0.75); 0.5 would be chance.
  assert.ok(
    artifact.outOfBag.errorRate > 0.1 && artifact.outOfBag.errorRate < 0.35,
    `OOB error ${artifact.outOfBag.errorRate}`,
  );

  const map = join(work, "map");
  const predict = await cli(
    "susceptibility",
    "predict",
    "--model",
    join(model, "model.json"),
    "--covariates",
    ECUADOR_TIF,
    "--out",
    map,
    "--json",
  );
  assert.equal(predict.code, 0, predict.stderr);
  const raster = await readRaster(join(map, "susceptibility.tif"));
  assert.equal(raster.width, 383);
  assert.equal(raster.height, 415);
  const band = raster.bands[0] as Float32Array;
  let nan = 0;
  for (const v of band) if (Number.isNaN(v)) nan++;
  assert.equal(nan, 619, "the 619 nodata cells of ta.tif stay nodata");
  assert.ok(existsSync(join(map, "susceptibility.png")));

  const explain = await cli(
    "susceptibility",
    "explain",
    "--model",
    join(model, "model.json"),
    "--inventory",
    ECUADOR_CSV,
    "--covariates",
    ECUADOR_TIF,
    "--repeats",
    "2",
    "--out",
    join(work, "explain"),
    "--json",
  );
  assert.equal(explain.code, 0, explain.stderr);
  assert.ok(JSON.parse(explain.stdout).maxAdditivityError < 1e-9);
  assert.equal(
    readFileSync(join(work, "explain", "shap.csv"), "utf8")
      .trim()
      .split("\n").length,
    351,
  );

  const evaluate = await cli(
    "susceptibility",
    "evaluate",
    "--model",
    join(model, "model.json"),
    "--inventory",
    ECUADOR_CSV,
    "--covariates",
    ECUADOR_TIF,
    "--json",
  );
  assert.equal(evaluate.code, 0, evaluate.stderr);
  assert.equal(JSON.parse(evaluate.stdout).points, 350);
});

/** Expects exit 2, a one-line message matching `pattern`, and no output folder. */
async function expectInputError(pattern: RegExp, ...args: string[]): Promise<void> {
  const out = join(work, `bad-${Math.random().toString(36).slice(2)}`);
  const r = await cli(...args, "--out", out);
  assert.equal(r.code, 2, `exit code for ${args.join(" ")}: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.split("\n").length, 1);
  assert.ok(!existsSync(out), "no partial output");
}

test("bad input: clear one-line error, exit 2, no output", async () => {
  await expectInputError(
    /unknown feature column "nope".*columns are: x, y, lslpts/,
    "susceptibility",
    "train",
    ...ecuadorCsv,
    "--features",
    "slope,nope",
  );
  await expectInputError(
    /column "a": missing or non-numeric values on 2 line\(s\): 3, 4/,
    "susceptibility",
    "train",
    "--inventory",
    join(FIXTURES, "bad_values.csv"),
    "--label",
    "label",
    "--features",
    "a,b",
  );
  await expectInputError(
    /single class/,
    "susceptibility",
    "train",
    "--inventory",
    join(FIXTURES, "single_class.csv"),
    "--label",
    "label",
    "--features",
    "a",
  );
  await expectInputError(
    /3 points are fewer than the 5 folds/,
    "susceptibility",
    "cv",
    "--inventory",
    join(FIXTURES, "three_points.csv"),
    "--label",
    "label",
    "--features",
    "a",
  );
  await expectInputError(
    /2 point\(s\).*outside the covariate raster \(lines 2, 3\)/,
    "susceptibility",
    "train",
    "--inventory",
    join(FIXTURES, "outside_raster.csv"),
    "--label",
    "lslpts",
    "--covariates",
    ECUADOR_TIF,
  );
  await expectInputError(/unknown sub-verb "fit"/, "susceptibility", "fit");
  await expectInputError(
    /--tune tunes the random forest/,
    "susceptibility",
    "cv",
    ...ecuadorCsv,
    "--features",
    "slope",
    "--learner",
    "glm",
    "--tune",
  );
  await expectInputError(
    /--trees: must be a whole number, got 1\.5/,
    "susceptibility",
    "cv",
    ...ecuadorCsv,
    "--features",
    "slope",
    "--trees",
    "1.5",
  );
});

test("predict refuses covariates in another CRS than the model was trained on", async () => {
  const model = join(work, "crs-model");
  assert.equal(
    (
      await cli(
        "susceptibility",
        "train",
        ...ecuadorCsv,
        "--covariates",
        ECUADOR_TIF,
        "--trees",
        "5",
        "--cv-repeats",
        "0",
        "--out",
        model,
      )
    ).code,
    0,
  );
  const ta = await readRaster(ECUADOR_TIF);
  const moved = join(work, "ta_wrong_crs.tif");
  await writeCog(moved, { ...ta, crs: { epsg: 32617, geographic: false } });
  await expectInputError(
    /CRS mismatch: .*EPSG:32717.*EPSG:32617/,
    "susceptibility",
    "predict",
    "--model",
    join(model, "model.json"),
    "--covariates",
    moved,
  );
  writeFileSync(join(work, "not-a-model.json"), "{}");
  await expectInputError(
    /not a susceptibility model/,
    "susceptibility",
    "predict",
    "--model",
    join(work, "not-a-model.json"),
    "--covariates",
    ECUADOR_TIF,
  );
});

test("evaluate scores an inventory of landslides only (no AUROC, but sensitivity)", async () => {
  const model = join(work, "glm-model");
  const features = ["--features", "slope,cplan,cprof,elev,log10_carea"];
  const train = await cli(
    "susceptibility",
    "train",
    ...ecuadorCsv,
    ...features,
    "--learner",
    "glm",
    "--out",
    model,
  );
  assert.equal(train.code, 0, train.stderr);
  const slidesOnly = join(work, "slides_only.csv");
  const lines = readFileSync(ECUADOR_CSV, "utf8").trim().split("\n");
  writeFileSync(slidesOnly, `${[lines[0], ...lines.filter((line) => line.includes('"TRUE"'))].join("\n")}\n`);
  const r = await cli(
    "susceptibility",
    "evaluate",
    "--model",
    join(model, "model.json"),
    "--inventory",
    slidesOnly,
    "--json",
  );
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.points, 175);
  assert.equal(summary.auroc, null);
  assert.equal(summary.confusion.trueNegative + summary.confusion.falsePositive, 0);
  assert.ok(
    summary.confusion.sensitivity > 0.5,
    `the GLM finds most landslides it was trained on: ${summary.confusion.sensitivity}`,
  );
});

test("help of one sub-verb, by `help X` or `X --help`; the command's --help lists the sub-verbs", async () => {
  const one = await cli("susceptibility", "help", "explain");
  assert.match(one.stdout, /^quakeslide susceptibility explain/);
  assert.match(one.stdout, /--repeats N/);
  const flag = await cli("susceptibility", "cv", "--help");
  assert.match(flag.stdout, /^quakeslide susceptibility cv/);
  assert.ok(flag.stdout.includes("--partition"), "cv --help shows cv's options");
  assert.ok(!flag.stdout.includes("--threshold P"), "cv --help does not show evaluate's options");
  const all = await cli("susceptibility", "--help");
  for (const sub of ["cv", "train", "predict", "explain", "evaluate"])
    assert.match(all.stdout, new RegExp(`^  ${sub} `, "m"));
});
