// `npm run bench -- krige [size]`: 10,000 scattered samples kriged onto a size x size grid (default
// 1000) with nmax = 20 and a fixed spherical model, by Quakeslide (all cores) and by gstat (R) on the
// same samples and grid in the same run; prints both times and the ratio. Add `--gstat-size 500` to
// time gstat on a smaller grid too when the full one takes too long.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PredictionJob, predictAll } from "../core/geostat/predict.ts";
import { runKrige } from "../core/geostat/step.ts";
import { Random } from "../core/ml/random.ts";
import { writeCog } from "../core/raster/index.ts";
import { defaultThreads } from "../core/util/workers.ts";

const SAMPLES = 10_000;
const EXTENT = 10_000; // metres
const MODEL = { type: "sph" as const, nugget: 0.1, psill: 1, range: 2500, kappa: 0.5 };

/** A smooth field plus noise at random locations (seeded), so the data have spatial structure. */
function makeSamples(seed: number) {
  const random = new Random(seed);
  const x = new Float64Array(SAMPLES);
  const y = new Float64Array(SAMPLES);
  const z = new Float64Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    x[i] = random.next() * EXTENT;
    y[i] = random.next() * EXTENT;
    z[i] = Math.sin(x[i] / 1500) + Math.cos(y[i] / 2100) + 0.3 * (random.next() - 0.5);
  }
  return { x, y, z };
}

interface Timing {
  /** wall-clock seconds */
  seconds: number;
  /** CPU seconds over all threads: steadier than wall time on a shared machine */
  cpuSeconds: number;
}

function runGstat(dir: string, size: number): (Timing & { prediction: Float64Array }) | string {
  const script = join(dir, `gstat_${size}.R`);
  const cell = EXTENT / size;
  writeFileSync(
    script,
    `suppressPackageStartupMessages({ library(sp); library(gstat) })
s <- read.csv("${join(dir, "samples.csv")}"); coordinates(s) <- ~x + y
g <- SpatialGrid(GridTopology(c(${cell / 2}, ${cell / 2}), c(${cell}, ${cell}), c(${size}, ${size})))
m <- vgm(${MODEL.psill}, "Sph", ${MODEL.range}, ${MODEL.nugget})
t <- system.time(k <- krige(z ~ 1, s, g, model = m, nmax = 20, debug.level = 0))
cat(t[["elapsed"]], t[["user.self"]] + t[["sys.self"]], "\\n", file = "${join(dir, `gstat_${size}.time`)}")
writeBin(as.numeric(k$var1.pred), "${join(dir, `gstat_${size}.bin`)}")
`,
  );
  const result = spawnSync("Rscript", [script], { encoding: "utf8" });
  if (result.error || result.status !== 0) return `gstat failed: ${result.error?.message ?? result.stderr}`;
  const [seconds, cpuSeconds] = readFileSync(join(dir, `gstat_${size}.time`), "utf8")
    .trim()
    .split(/\s+/)
    .map(Number);
  const raw = readFileSync(join(dir, `gstat_${size}.bin`));
  return { seconds, cpuSeconds, prediction: new Float64Array(raw.buffer, raw.byteOffset, raw.length / 8) };
}

/** Our kriging core alone (no file output), to compare like with like with gstat's krige() call. */
async function timeCore(samples: ReturnType<typeof makeSamples>, size: number) {
  const cell = EXTENT / size;
  const job: PredictionJob = {
    problem: {
      model: MODEL,
      ...samples,
      trend: [new Float64Array(SAMPLES).fill(1)],
      neighbourhood: { nmax: 20, maxDistance: Number.POSITIVE_INFINITY },
    },
    trendKind: "constant",
    coordinateCentre: [0, 0],
    targets: { kind: "grid", transform: [0, cell, 0, EXTENT, 0, -cell], width: size, height: size },
    targetCovariates: [],
    logBackTransform: false,
  };
  const start = performance.now();
  const cpu = process.cpuUsage();
  const { prediction } = await predictAll(job);
  const used = process.cpuUsage(cpu);
  return {
    seconds: (performance.now() - start) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    prediction,
  };
}

/** gstat's SpatialGrid runs rows from the top too (y decreasing), columns west to east, like ours. */
function compare(ours: Float32Array, gstat: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < ours.length; i++)
    worst = Math.max(worst, Math.abs(ours[i] - gstat[i]) / Math.abs(gstat[i]));
  return worst;
}

export async function run(args: string[]): Promise<void> {
  const size = Number(args.find((a) => /^\d+$/.test(a)) ?? 1000);
  const gstatSizeIndex = args.indexOf("--gstat-size");
  const smaller = gstatSizeIndex >= 0 ? Number(args[gstatSizeIndex + 1]) : undefined;
  const dir = mkdtempSync(join(tmpdir(), "quakeslide-bench-krige-"));
  try {
    const samples = makeSamples(42);
    const lines = ["x,y,z", ...Array.from(samples.x, (x, i) => `${x},${samples.y[i]},${samples.z[i]}`)];
    writeFileSync(join(dir, "samples.csv"), `${lines.join("\n")}\n`);
    const cell = EXTENT / size;
    const grid = {
      width: size,
      height: size,
      transform: [0, cell, 0, EXTENT, 0, -cell] as [number, number, number, number, number, number],
      crs: { epsg: 32617, geographic: false },
    };
    await writeCog(join(dir, "template.tif"), { ...grid, bands: [new Float32Array(size * size).fill(1)] });
    console.log(`${SAMPLES} samples -> ${size} x ${size} grid, nmax 20, ${defaultThreads()} threads`);

    const core = await timeCore(samples, size);
    console.log(
      `quakeslide kriging core: ${core.seconds.toFixed(2)} s (CPU ${core.cpuSeconds.toFixed(2)} s)`,
    );
    const out = join(dir, "out");
    mkdirSync(out);
    const start = performance.now();
    await runKrige({
      samples: join(dir, "samples.csv"),
      value: "z",
      grid: join(dir, "template.tif"),
      variogram: "sph(nugget=0.1,psill=1,range=2500)",
      nmax: 20,
      cv: "none",
      outDir: out,
    });
    const step = (performance.now() - start) / 1000;
    console.log(`quakeslide krige step (read, krige, 2 COGs + previews): ${step.toFixed(2)} s`);

    for (const gstatSize of smaller ? [size, smaller] : [size]) {
      const gstat = runGstat(dir, gstatSize);
      if (typeof gstat === "string") {
        console.log(gstat);
        continue;
      }
      const ours = gstatSize === size ? core : await timeCore(samples, gstatSize);
      const agreement = compare(ours.prediction, gstat.prediction);
      console.log(
        `${gstatSize} x ${gstatSize}: gstat krige() ${gstat.seconds.toFixed(2)} s, quakeslide core ${ours.seconds.toFixed(2)} s -> ${(gstat.seconds / ours.seconds).toFixed(1)}x faster; CPU ${gstat.cpuSeconds.toFixed(2)} s vs ${ours.cpuSeconds.toFixed(2)} s -> ${(gstat.cpuSeconds / ours.cpuSeconds).toFixed(1)}x less CPU (max relative difference of predictions ${agreement.toExponential(1)})`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
