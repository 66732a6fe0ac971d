import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { main } from "../../../cli/main.ts";
import type { ModelArtifact } from "../../../core/ml/model.ts";
import { runSusceptibilityTrain } from "../../../core/ml/step.ts";
import { ECUADOR_CSV, ECUADOR_FEATURES } from "./helpers.ts";

const work = mkdtempSync(join(tmpdir(), "quakeslide-ml-tune-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** `train --tune` on the bundled data, small: 10 draws (5 inner folds), 30 trees, no stored CV. */
async function tunedModel(name: string, seed: number): Promise<{ artifact: ModelArtifact; text: string }> {
  const outDir = join(work, name);
  mkdirSync(outDir);
  await runSusceptibilityTrain({
    inventory: ECUADOR_CSV,
    label: "lslpts",
    features: ECUADOR_FEATURES,
    seed,
    forest: { trees: 30 },
    tune: { evaluations: 10 },
    cvRepeats: 0,
    threads: 1,
    outDir,
  });
  const text = readFileSync(join(outDir, "model.json"), "utf8");
  return { artifact: JSON.parse(text) as ModelArtifact, text };
}

test("train with tune: deterministic for a seed, fits and records the best inner-CV draw", async () => {
  const a = await tunedModel("a", 7);
  const b = await tunedModel("b", 7);
  assert.equal(a.text, b.text, "same seed, same model.json");

  const tuning = a.artifact.tuning;
  assert.ok(tuning, "model.json records the tuning");
  assert.equal(tuning.method, "random-search");
  assert.equal(tuning.evaluations, 10);
  assert.equal(tuning.innerFolds, 5);
  assert.deepEqual(tuning.searchSpace, {
    mtry: { lower: 1, upper: ECUADOR_FEATURES.length },
    minNodeSize: { lower: 1, upper: 10 },
    sampleFraction: { lower: 0.2, upper: 0.9 },
  });
  assert.equal(tuning.candidates.length, 10);
  for (const c of tuning.candidates) {
    assert.ok(c.mtry >= 1 && c.mtry <= ECUADOR_FEATURES.length);
    assert.ok(c.minNodeSize >= 1 && c.minNodeSize <= 10);
    assert.ok(c.sampleFraction >= 0.2 && c.sampleFraction <= 0.9);
  }

  // The chosen values are the first candidate with the highest inner AUROC.
  const scores = tuning.candidates.map((c) => c.innerAuroc ?? Number.NEGATIVE_INFINITY);
  const bestIndex = scores.indexOf(Math.max(...scores));
  const best = tuning.candidates[bestIndex];
  assert.deepEqual(tuning.chosen, {
    mtry: best.mtry,
    minNodeSize: best.minNodeSize,
    sampleFraction: best.sampleFraction,
  });
  assert.equal(tuning.innerAuroc, best.innerAuroc);
  assert.ok((tuning.innerAuroc ?? 0) > 0.6, `inner AUROC ${tuning.innerAuroc}`);

  // ... and the stored forest was fitted with them.
  assert.equal(a.artifact.hyper.mtry, tuning.chosen.mtry);
  assert.equal(a.artifact.hyper.minNodeSize, tuning.chosen.minNodeSize);
  assert.equal(a.artifact.hyper.sampleFraction, tuning.chosen.sampleFraction);
  assert.equal(a.artifact.hyper.numTrees, 30);
  assert.equal(a.artifact.forest?.trees.length, 30);

  // Another seed draws other candidates.
  const c = await tunedModel("c", 8);
  assert.notDeepEqual(c.artifact.tuning?.candidates, tuning.candidates);
});

/** Runs `susceptibility train` in-process on the Ecuador CSV, capturing what it prints. */
async function train(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...parts: unknown[]) => out.push(parts.join(" "));
  console.error = (...parts: unknown[]) => err.push(parts.join(" "));
  try {
    const code = await main([
      "susceptibility",
      "train",
      "--inventory",
      ECUADOR_CSV,
      "--label",
      "lslpts",
      "--features",
      ECUADOR_FEATURES.join(","),
      ...args,
    ]);
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test("train --tune on the CLI prints and stores the chosen values", async () => {
  const out = join(work, "cli");
  const r = await train(
    "--tune",
    "--tune-evals",
    "3",
    "--inner-folds",
    "4",
    "--trees",
    "10",
    "--out",
    out,
    "--json",
  );
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  const artifact = JSON.parse(readFileSync(join(out, "model.json"), "utf8")) as ModelArtifact;
  assert.equal(artifact.tuning?.evaluations, 3);
  assert.equal(artifact.tuning?.innerFolds, 4);
  assert.deepEqual(summary.tuned, { ...artifact.tuning?.chosen, innerAuroc: artifact.tuning?.innerAuroc });
});

test("train --tune with --learner glm exits 2 and writes nothing", async () => {
  const out = join(work, "glm");
  const r = await train("--learner", "glm", "--tune", "--out", out);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--tune.*--learner rf/);
  assert.ok(!existsSync(join(out, "model.json")));
  const r2 = await train("--tune-evals", "5", "--out", join(work, "no-tune"));
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /--tune-evals/);
});
