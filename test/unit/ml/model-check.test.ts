import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runQuakeslide } from "../../helpers/run-cli.ts";
import { ECUADOR_CSV, ECUADOR_TIF } from "./helpers.ts";

// A tampered or corrupt model.json used to hang predict (a child index pointing back up the tree),
// crash it (an index past the end) or give a plausible map with exit 0 (a feature index past the
// features, a leaf probability outside 0..1). Each is now refused when the model is loaded.

const work = mkdtempSync(join(tmpdir(), "quakeslide-model-check-"));
after(() => rmSync(work, { recursive: true, force: true }));

type Model = {
  features: string[];
  learner: string;
  forest?: { trees: Record<string, number[]>[] };
  glm?: { coefficients: number[] };
};
let forest: Model;
let glm: Model;

async function train(learner: string): Promise<Model> {
  const out = join(work, learner);
  const run = await runQuakeslide([
    "susceptibility",
    "train",
    "--inventory",
    ECUADOR_CSV,
    "--label",
    "lslpts",
    "--covariates",
    ECUADOR_TIF,
    "--learner",
    learner,
    "--trees",
    "3",
    "--cv-repeats",
    "0",
    "--out",
    out,
  ]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(readFileSync(join(out, "model.json"), "utf8"));
}

before(async () => {
  forest = await train("rf");
  glm = await train("glm");
});

/** A copy of the forest with the first inner node of tree 0 changed by `edit`. */
function tampered(edit: (tree: Record<string, number[]>, inner: number) => void): Model {
  const copy = structuredClone(forest);
  const tree = copy.forest?.trees[0] as Record<string, number[]>;
  edit(
    tree,
    tree.feature.findIndex((f) => f >= 0),
  );
  return copy;
}

async function predictRefused(model: unknown, pattern: RegExp, raw?: string | Buffer): Promise<void> {
  const file = join(work, `model-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, raw ?? JSON.stringify(model));
  const out = join(work, "map");
  const run = await runQuakeslide([
    "susceptibility",
    "predict",
    "--model",
    file,
    "--covariates",
    ECUADOR_TIF,
    "--out",
    out,
  ]);
  assert.equal(run.code, 2, `exit code: ${run.stderr}`);
  assert.equal(run.stderr.split("\n").length, 1, run.stderr);
  assert.ok(run.stderr.includes(file), `names the file: ${run.stderr}`);
  assert.match(run.stderr, pattern);
  assert.ok(!existsSync(out), "no map");
}

test("the untouched models predict", async () => {
  for (const learner of ["rf", "glm"]) {
    const run = await runQuakeslide([
      "susceptibility",
      "predict",
      "--model",
      join(work, learner, "model.json"),
      "--covariates",
      ECUADOR_TIF,
      "--out",
      join(work, `map-${learner}`),
    ]);
    assert.equal(run.code, 0, run.stderr);
  }
});

test("a child index that points back up the tree (a loop) is refused instead of hanging predict", {
  timeout: 60_000,
}, async () => {
  await predictRefused(
    tampered((tree, i) => {
      tree.left[i] = i;
      tree.right[i] = i + 1;
    }),
    /forest\.trees\.0\.left\.\d+: must be the index of a later node/,
  );
});

test("an index past the end, a feature past the features, a bad leaf or threshold are refused", async () => {
  await predictRefused(
    tampered((tree, i) => {
      tree.left[i] = 1_000_000;
      tree.right[i] = 1_000_001;
    }),
    /forest\.trees\.0\.left\.\d+: .* got 1000000/,
  );
  await predictRefused(
    tampered((tree, i) => {
      tree.right[i] = tree.left[i] + 5;
    }),
    /forest\.trees\.0\.right\.\d+: must be left \+ 1/,
  );
  await predictRefused(
    tampered((tree, i) => {
      tree.feature[i] = forest.features.length;
    }),
    /forest\.trees\.0\.feature\.\d+: must be -1 \(leaf\) or a feature index 0\.\.4, got 5/,
  );
  await predictRefused(
    tampered((tree) => {
      tree.probability[tree.feature.indexOf(-1)] = 7;
    }),
    /forest\.trees\.0\.probability\.\d+: must be in 0\.\.1, got 7/,
  );
  await predictRefused(
    tampered((tree, i) => {
      (tree.threshold as unknown[])[i] = "NaN";
    }),
    /forest\.trees\.0\.threshold\.\d+: must be a finite number/,
  );
  await predictRefused(
    tampered((tree) => {
      tree.cover.pop();
    }),
    /forest\.trees\.0\.cover: must be a list of \d+ numbers/,
  );
});

test("the model's own fields: learner, features, GLM coefficients, format, JSON, binary", async () => {
  await predictRefused(
    { ...forest, learner: "svm" },
    /invalid model: learner: must be one of rf, glm, got "svm"/,
  );
  await predictRefused({ ...forest, features: [] }, /features: needs at least 1 value/);
  await predictRefused(
    { ...forest, features: ["slope", "slope", "elev", "cplan", "cprof"] },
    /feature names must be unique/,
  );
  await predictRefused({ ...forest, forest: { trees: [] } }, /forest\.trees: needs at least 1 value/);
  await predictRefused({ ...forest, forest: undefined }, /forest\.trees is missing for learner rf/);
  await predictRefused(
    { ...glm, glm: { coefficients: [1, 2] } },
    /glm\.coefficients has 2 values; 5 features need 6 \(intercept first\)/,
  );
  await predictRefused({ ...forest, format: "other" }, /not a susceptibility model/);
  await predictRefused({ ...forest, version: 99 }, /model format version 99 is not supported/);
  const text = JSON.stringify(forest);
  await predictRefused(null, /not valid JSON/, text.slice(0, text.length / 2));
  await predictRefused(
    null,
    /is not a text file \(binary data at byte 2\)/,
    Buffer.from([0x7b, 0x22, 0, 1, 2, 3]),
  );
});
