// `npm run bench -- peml`: training time of the physics-embedded model per epoch and per 10,000
// samples, beside the random forest's training time on the same rows in the same run (a ratio,
// since these machines are shared and noisy). Data: the synthetic landscape of the tests on a
// larger grid (known soil fields, labels from the model's own physics).
// Options: --side N (grid side, default 100: 10,000 cells), --epochs N (default 30 per timing),
// --repeats N (default 3; the median is reported), --trees N (default 100).
import { loadavg } from "node:os";
import { trainForest } from "../core/ml/train.ts";
import { trainSettingsFrom } from "../core/peml/data.ts";
import { pemlSettingsSchema } from "../core/peml/schema.ts";
import { type TrainingData, trainPeml } from "../core/peml/train.ts";
import { generateSynthetic, SYNTHETIC_GRID } from "../test/fixtures/peml/synthetic.ts";

/** The CLI's defaults (hidden [16], Adam 0.05, default priors). */
const DEFAULTS = trainSettingsFrom(pemlSettingsSchema.parse({}));

function option(args: string[], name: string, fallback: number): number {
  const k = args.indexOf(`--${name}`);
  return k >= 0 ? Number(args[k + 1]) : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function seconds(work: () => unknown): number {
  const start = performance.now();
  work();
  return (performance.now() - start) / 1000;
}

export async function run(args: string[]): Promise<void> {
  const side = option(args, "side", 100);
  const epochs = option(args, "epochs", 30);
  const repeats = option(args, "repeats", 3);
  const trees = option(args, "trees", 100);
  const s = generateSynthetic(14, { ...SYNTHETIC_GRID, width: side, height: side });
  const { slope, elev, lith, noise } = s.covariates;
  const data: TrainingData = {
    featureNames: ["elev", "lith", "noise"],
    columns: [elev, lith, noise],
    classes: ["lith"],
    slopeDeg: slope,
    label: s.staticLabel,
  };
  const n = data.label.length;
  console.log(`load average at start: ${loadavg()[0].toFixed(1)}`);
  console.log(
    `synthetic ${n} points, network covariates elev, lith (3 classes), noise + slope; hidden [16]; ${epochs} epochs per timing, median of ${repeats}`,
  );
  const perEpoch: Record<string, number> = {};
  for (const [label, batchSize] of [
    ["full batch", 0],
    ["batches of 1024", 1024],
  ] as const) {
    const times = Array.from({ length: repeats }, () =>
      seconds(() => trainPeml(data, { ...DEFAULTS, epochs, batchSize })),
    );
    perEpoch[label] = median(times) / epochs;
    console.log(
      `peml, ${label}: ${(1000 * perEpoch[label]).toFixed(1)} ms per epoch, ${((1000 * perEpoch[label] * 10_000) / n).toFixed(1)} ms per epoch per 10,000 samples`,
    );
  }
  // The forest sees the same covariates plus the slope (as `peml cv` gives it).
  const columns = [...data.columns, data.slopeDeg];
  const forestTimes: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    await trainForest(
      columns,
      data.label,
      { numTrees: trees, minNodeSize: 1, sampleFraction: 1, replace: true, seed: 1 },
      { threads: 1 },
    );
    forestTimes.push((performance.now() - start) / 1000);
  }
  const forest = median(forestTimes);
  const defaultEpochs = DEFAULTS.epochs;
  const pemlDefault = perEpoch["full batch"] * defaultEpochs;
  console.log(`random forest, ${trees} trees, 1 thread: ${forest.toFixed(2)} s`);
  console.log(
    `peml default training (${defaultEpochs} full-batch epochs) ${pemlDefault.toFixed(2)} s; time ratio peml/forest ${(pemlDefault / forest).toFixed(2)}; one epoch / forest ${(perEpoch["full batch"] / forest).toFixed(4)}`,
  );
  console.log(`load average at end: ${loadavg()[0].toFixed(1)}`);
}
