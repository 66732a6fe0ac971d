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

/** Wall-clock and CPU seconds (user + system, all threads): on a busy machine the CPU time is the steadier. */
async function timed(work: () => unknown): Promise<{ wall: number; cpu: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - start) / 1000, cpu: (used.user + used.system) / 1e6 };
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
  const perEpoch: Record<string, { wall: number; cpu: number }> = {};
  for (const [label, batchSize] of [
    ["full batch", 0],
    ["batches of 1024", 1024],
  ] as const) {
    const times: { wall: number; cpu: number }[] = [];
    for (let r = 0; r < repeats; r++)
      times.push(await timed(() => trainPeml(data, { ...DEFAULTS, epochs, batchSize })));
    const epoch = {
      wall: median(times.map((t) => t.wall)) / epochs,
      cpu: median(times.map((t) => t.cpu)) / epochs,
    };
    perEpoch[label] = epoch;
    const per10k = (v: number) => ((1000 * v * 10_000) / n).toFixed(1);
    console.log(
      `peml, ${label}: ${(1000 * epoch.wall).toFixed(1)} ms per epoch (CPU ${(1000 * epoch.cpu).toFixed(1)} ms), per 10,000 samples ${per10k(epoch.wall)} ms (CPU ${per10k(epoch.cpu)} ms)`,
    );
  }
  // The forest sees the same covariates plus the slope (as `peml cv` gives it).
  const columns = [...data.columns, data.slopeDeg];
  const forestTimes: { wall: number; cpu: number }[] = [];
  for (let r = 0; r < repeats; r++)
    forestTimes.push(
      await timed(() =>
        trainForest(
          columns,
          data.label,
          { numTrees: trees, minNodeSize: 1, sampleFraction: 1, replace: true, seed: 1 },
          { threads: 1 },
        ),
      ),
    );
  const forest = { wall: median(forestTimes.map((t) => t.wall)), cpu: median(forestTimes.map((t) => t.cpu)) };
  const full = perEpoch["full batch"];
  const defaultEpochs = DEFAULTS.epochs;
  console.log(
    `random forest, ${trees} trees, 1 thread: ${forest.wall.toFixed(2)} s (CPU ${forest.cpu.toFixed(2)} s)`,
  );
  console.log(
    `peml default training (${defaultEpochs} full-batch epochs): ${(full.wall * defaultEpochs).toFixed(2)} s (CPU ${(full.cpu * defaultEpochs).toFixed(2)} s); ratio peml/forest ${((full.wall * defaultEpochs) / forest.wall).toFixed(2)} wall, ${((full.cpu * defaultEpochs) / forest.cpu).toFixed(2)} CPU; one epoch / forest ${(full.cpu / forest.cpu).toFixed(4)} CPU`,
  );
  console.log(`load average at end: ${loadavg()[0].toFixed(1)}`);
}
