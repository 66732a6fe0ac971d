// `npm run bench -- ml`: random-forest training and prediction against scikit-learn, measured in
// the same run on the same rows (written to CSV / raw float32 files that Python reads).
// Train: synthetic 100,000 x 10, 100 trees, 1 and 2 threads vs RandomForestClassifier n_jobs=1, 2.
// Predict: a 1200 x 1200 (1.44 Mpx), 5-band covariate raster with a 100-tree forest on 5 features.
// Options: --rows N (default 100000), --trees N (default 100), --side N (raster side, default 1200).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { predictForest } from "../core/ml/forest.ts";
import { auroc } from "../core/ml/metrics.ts";
import { predictForestParallel } from "../core/ml/parallel-predict.ts";
import { Random } from "../core/ml/random.ts";
import { trainForest } from "../core/ml/train.ts";

const SKLEARN = `
import json, sys, time
import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
work, trees, side = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
train = np.loadtxt(f"{work}/train.csv", delimiter=",", skiprows=1)
test = np.loadtxt(f"{work}/test.csv", delimiter=",", skiprows=1)
raster = np.fromfile(f"{work}/raster.f32", dtype="<f4").reshape(5, side * side).T
out = {}
for jobs in (1, 2):
    model = RandomForestClassifier(n_estimators=trees, n_jobs=jobs, random_state=1)
    t = time.perf_counter(); model.fit(train[:, 1:], train[:, 0]); out[f"train{jobs}"] = time.perf_counter() - t
    out[f"auroc{jobs}"] = roc_auc_score(test[:, 0], model.predict_proba(test[:, 1:])[:, 1])
model = RandomForestClassifier(n_estimators=trees, n_jobs=1, random_state=1).fit(train[:, 1:6], train[:, 0])
for jobs in (1, 2):
    model.set_params(n_jobs=jobs)
    t = time.perf_counter(); model.predict_proba(raster); out[f"predict{jobs}"] = time.perf_counter() - t
print(json.dumps(out))
`;

/** Label ~ Bernoulli(logistic(s)) with a non-linear s of the first five features; the other five are noise. */
function synthetic(n: number, rng: Random): { columns: Float64Array[]; label: Uint8Array } {
  const columns = Array.from({ length: 10 }, () => new Float64Array(n));
  const label = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (const column of columns) column[i] = rng.next();
    const [a, b, c, d, e] = columns.map((column) => column[i]);
    const s = 3 * Math.sin(Math.PI * a * b) + 8 * (c - 0.5) ** 2 + 2 * d - 2 * e - 2.2;
    label[i] = rng.next() < 1 / (1 + Math.exp(-2 * s)) ? 1 : 0;
  }
  return { columns, label };
}

function writeCsv(path: string, data: { columns: Float64Array[]; label: Uint8Array }): void {
  const lines = [["label", ...data.columns.map((_, f) => `x${f}`)].join(",")];
  for (let i = 0; i < data.label.length; i++)
    lines.push([data.label[i], ...data.columns.map((c) => c[i])].join(","));
  writeFileSync(path, `${lines.join("\n")}\n`);
}

function option(args: string[], name: string, fallback: number): number {
  const k = args.indexOf(`--${name}`);
  return k >= 0 ? Number(args[k + 1]) : fallback;
}

async function seconds<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, (performance.now() - start) / 1000];
}

export async function run(args: string[]): Promise<void> {
  const rows = option(args, "rows", 100_000);
  const trees = option(args, "trees", 100);
  const side = option(args, "side", 1200);
  const work = mkdtempSync(join(tmpdir(), "quakeslide-bench-ml-"));
  try {
    const rng = new Random(20261125);
    const train = synthetic(rows, rng);
    const test = synthetic(rows, rng);
    writeCsv(join(work, "train.csv"), train);
    writeCsv(join(work, "test.csv"), test);
    const cells = side * side;
    const raster = new Float32Array(5 * cells);
    for (let k = 0; k < raster.length; k++) raster[k] = rng.next();
    writeFileSync(join(work, "raster.f32"), Buffer.from(raster.buffer));
    const bands = Array.from({ length: 5 }, (_, b) => raster.subarray(b * cells, (b + 1) * cells));
    // Other processes share the machine: the load average tells how much to trust the seconds.
    console.log(`load average at start: ${loadavg()[0].toFixed(1)}`);
    console.log(
      `synthetic ${rows} x 10 (train) + ${rows} (test), ${trees} trees; raster ${side} x ${side} x 5`,
    );

    let sklearn: Record<string, number> | undefined;
    try {
      sklearn = JSON.parse(
        execFileSync("/usr/bin/python3", ["-c", SKLEARN, work, String(trees), String(side)], {
          encoding: "utf8",
          maxBuffer: 1 << 20,
        }),
      );
    } catch (error) {
      console.log(`scikit-learn not measured: ${(error as Error).message.split("\n")[0]}`);
    }
    const params = { numTrees: trees, minNodeSize: 1, sampleFraction: 1, replace: true, seed: 1 };
    for (const threads of [1, 2]) {
      const [{ forest }, time] = await seconds(() =>
        trainForest(train.columns, train.label, params, { threads }),
      );
      const testAuroc = auroc(test.label, predictForest(forest, test.columns, rows));
      const ref = sklearn
        ? `; scikit-learn n_jobs=${threads} ${sklearn[`train${threads}`].toFixed(2)} s, AUROC ${sklearn[`auroc${threads}`].toFixed(4)}; time ratio ours/sklearn ${(time / sklearn[`train${threads}`]).toFixed(2)}`
        : "";
      console.log(
        `train, ${threads} thread(s): ${time.toFixed(2)} s, test AUROC ${testAuroc.toFixed(4)}${ref}`,
      );
    }
    const { forest } = await trainForest(train.columns.slice(0, 5), train.label, params, {});
    for (const threads of [1, 2]) {
      const [, time] = await seconds(() => predictForestParallel(forest, bands, cells, threads));
      const ref = sklearn
        ? `; scikit-learn n_jobs=${threads} ${sklearn[`predict${threads}`].toFixed(2)} s; time ratio ours/sklearn ${(time / sklearn[`predict${threads}`]).toFixed(2)}`
        : "";
      console.log(
        `predict ${(cells / 1e6).toFixed(2)} Mpx x 5 bands, ${threads} thread(s): ${time.toFixed(2)} s${ref}`,
      );
    }
    console.log(`load average at end: ${loadavg()[0].toFixed(1)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
