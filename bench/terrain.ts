// `npm run bench -- terrain [--memory] [--runs N]`: times `quakeslide terrain` (slope, aspect and
// both curvatures, as COGs + PNGs) against `gdaldem slope` + `gdaldem aspect` on the same DEMs in
// the same run, and prints the ratio. `--memory` also generates a 16,000 x 16,000 Float32 DEM and
// measures the peak RSS of the terrain command on it (target < 2.5 GiB). A second line per DEM
// compares like with like: runTerrain in this process (the first of runs+1 warms it up) against
// four gdaldem runs that each write a COG, and gives the process start-up on its own.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bandAsFloat32, openCogWriter, readRaster, readRasterInfo } from "../core/raster/index.ts";
import { rowCellSizes } from "../core/terrain/cellsize.ts";
import { computeStrip } from "../core/terrain/kernel.ts";
import { runTerrain } from "../core/terrain/step.ts";
import { readDemStrips } from "../core/terrain/strips.ts";

const DEM_DIR = new URL("../../shared/data/dem/", import.meta.url).pathname;
const CLI = new URL("../bin/quakeslide.mjs", import.meta.url).pathname;
const BENCH_DEMS = [
  // Geographic: gdaldem needs one scale factor for degrees; we use each row's true metric size.
  { file: "S33W071_srtm3_aconcagua.tif", gdaldemArgs: ["-s", "111120"] },
  { file: "bigtujunga_srtm1_utm11.tif", gdaldemArgs: [] },
];
const GIB = 1024 ** 3;

function timed(command: string, args: string[]): number {
  const start = performance.now();
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed: ${result.error ?? ""}${result.stderr}`);
  return (performance.now() - start) / 1000;
}

/** The fastest of `runs` timings: the least disturbed by the other jobs on a shared machine. */
function fastest(runs: number, once: () => number): number {
  return Math.min(...Array.from({ length: runs }, once));
}

async function compareWithGdaldem(scratch: string, runs: number): Promise<void> {
  for (const { file, gdaldemArgs } of BENCH_DEMS) {
    const dem = join(DEM_DIR, file);
    if (!existsSync(dem)) {
      console.log(`${file}: not found under ${DEM_DIR}; skipped`);
      continue;
    }
    const gdal = fastest(runs, () => {
      const slope = timed("gdaldem", ["slope", "-q", ...gdaldemArgs, dem, join(scratch, "gdal-slope.tif")]);
      return slope + timed("gdaldem", ["aspect", "-q", dem, join(scratch, "gdal-aspect.tif")]);
    });
    const gdalCog = fastest(runs, () => {
      const cog = ["-of", "COG", "-co", "COMPRESS=DEFLATE", "-co", "LEVEL=1"];
      const slope = timed("gdaldem", [
        "slope",
        "-q",
        ...cog,
        ...gdaldemArgs,
        dem,
        join(scratch, "gdal-slope-cog.tif"),
      ]);
      return slope + timed("gdaldem", ["aspect", "-q", ...cog, dem, join(scratch, "gdal-aspect-cog.tif")]);
    });
    const ours = fastest(runs, () => {
      rmSync(join(scratch, "ours"), { recursive: true, force: true });
      return timed(process.execPath, [
        CLI,
        "terrain",
        "--dem",
        dem,
        "--out",
        join(scratch, "ours"),
        "--json",
      ]);
    });
    const computeOnly = Math.min(...(await timeSequentially(runs, () => readAndCompute(dem))));
    // Apples to apples: the same four outputs as COGs on both sides, no process start on ours.
    const gdalFourCogs = fastest(runs, () => {
      const cog = ["-of", "COG", "-co", "COMPRESS=DEFLATE", "-co", "LEVEL=1"];
      const zt = ["-alg", "ZevenbergenThorne"];
      let seconds = 0;
      for (const [mode, extra, name] of [
        ["slope", gdaldemArgs, "s"],
        ["aspect", [], "a"],
        ["slope", [...zt, ...gdaldemArgs], "zs"],
        ["aspect", zt, "za"],
      ] as const) {
        seconds += timed("gdaldem", [
          mode,
          "-q",
          ...cog,
          ...extra,
          dem,
          join(scratch, `gdal-4cog-${name}.tif`),
        ]);
      }
      return seconds;
    });
    const inProcess = Math.min(
      ...(await timeSequentially(runs + 1, () => runTerrainInProcess(dem, join(scratch, "ours-in-process")))),
    );
    const processStart = fastest(runs, () => timed(process.execPath, [CLI, "--help"]));
    console.log(
      `${file}: quakeslide terrain ${ours.toFixed(2)} s (4 COGs + 4 PNGs, process start included); ` +
        `gdaldem slope+aspect ${gdal.toFixed(2)} s (2 plain GTiffs) -> ratio ${(ours / gdal).toFixed(2)}; ` +
        `gdaldem slope+aspect as COGs ${gdalCog.toFixed(2)} s -> ratio ${(ours / gdalCog).toFixed(2)}; ` +
        `our read + 3x3 arithmetic alone (in-process, no output) ${computeOnly.toFixed(2)} s -> ratio ${(computeOnly / gdal).toFixed(2)}`,
    );
    console.log(
      `${file}: apples to apples, 4 COGs each: runTerrain in-process ${inProcess.toFixed(2)} s (4 COGs + 4 PNGs) vs ` +
        `4 gdaldem runs writing COGs (slope, aspect, ZT slope, ZT aspect as stand-ins for the curvatures) ` +
        `${gdalFourCogs.toFixed(2)} s -> ratio ${(inProcess / gdalFourCogs).toFixed(2)}; ` +
        `process start (quakeslide --help) ${processStart.toFixed(2)} s`,
    );
    // Geographic DEMs differ from gdaldem -s 111120 by design (true per-row cell sizes).
    if (gdaldemArgs.length === 0) {
      const diff = await maxSlopeDifference(
        join(scratch, "ours", "slope.tif"),
        join(scratch, "gdal-slope.tif"),
      );
      console.log(
        `${file}: max |slope - gdaldem slope| ${diff.max} deg over ${diff.compared} cells, nodata cells differing: ${diff.nodataMismatches}`,
      );
    }
  }
}

async function maxSlopeDifference(ours: string, gdal: string) {
  const a = bandAsFloat32(await readRaster(ours));
  const b = bandAsFloat32(await readRaster(gdal)); // gdaldem's -9999 nodata becomes NaN
  let max = 0;
  let compared = 0;
  let nodataMismatches = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) nodataMismatches++;
    else if (!Number.isNaN(a[i])) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
      compared++;
    }
  }
  return { max, compared, nodataMismatches };
}

async function timeSequentially(runs: number, once: () => Promise<number>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  return times;
}

/** Seconds for the whole terrain step (COGs and PNGs) in this process: no Node/loader start-up. */
async function runTerrainInProcess(dem: string, outDir: string): Promise<number> {
  rmSync(outDir, { recursive: true, force: true });
  const start = performance.now();
  await runTerrain({ dem, outDir });
  return (performance.now() - start) / 1000;
}

/** Seconds to stream the DEM and compute all four attributes, writing nothing: our share of the work. */
async function readAndCompute(dem: string): Promise<number> {
  const start = performance.now();
  const info = await readRasterInfo(dem);
  const { cellWidth, cellHeight } = rowCellSizes(info);
  for await (const strip of readDemStrips(dem, info, 0)) {
    const cells = (strip.rowEnd - strip.rowStart) * info.width;
    const bands = {
      slope: new Float32Array(cells),
      aspect: new Float32Array(cells),
      curvaturePlan: new Float32Array(cells),
      curvatureProfile: new Float32Array(cells),
    };
    const geometry = { width: info.width, demHeight: info.height, cellWidth, cellHeight };
    computeStrip({ ...strip, ...geometry, method: "horn", computeEdges: false }, bands);
  }
  return (performance.now() - start) / 1000;
}

/** A smooth synthetic 16k x 16k relief (hills and valleys, 0-2,000 m), streamed into a COG. */
async function writeBigDem(path: string, size: number): Promise<void> {
  const grid = {
    width: size,
    height: size,
    transform: [400000, 30, 0, 4000000, 0, -30],
    crs: { epsg: 32611, geographic: false },
  };
  const writer = openCogWriter(path, grid as Parameters<typeof openCogWriter>[1], {
    bandNames: ["elevation"],
    deflateLevel: 1,
  });
  for (let y0 = 0; y0 < size; y0 += 256) {
    const rows = Math.min(256, size - y0);
    const block = new Float32Array(rows * size);
    for (let r = 0; r < rows; r++) {
      const y = y0 + r;
      for (let x = 0; x < size; x++) {
        block[r * size + x] =
          1000 + 600 * Math.sin(x / 700) * Math.cos(y / 900) + 300 * Math.sin((x + 2 * y) / 170);
      }
    }
    await writer.writeRows(y0, block);
  }
  await writer.close();
}

async function measureMemory(scratch: string): Promise<void> {
  if (spawnSync("/usr/bin/time", ["-V"]).error) {
    console.log("memory: /usr/bin/time not installed (apt-get install time); skipped");
    return;
  }
  const size = 16_000;
  const dem = join(scratch, "big.tif");
  let start = performance.now();
  await writeBigDem(dem, size);
  console.log(
    `memory: generated a ${size} x ${size} Float32 DEM in ${((performance.now() - start) / 1000).toFixed(0)} s`,
  );
  start = performance.now();
  const result = spawnSync(
    "/usr/bin/time",
    ["-v", process.execPath, CLI, "terrain", "--dem", dem, "--out", join(scratch, "big-out"), "--json"],
    {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (result.status !== 0) throw new Error(`terrain on the 16k DEM failed: ${result.stderr}`);
  const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1]);
  const peakGib = (peakKb * 1024) / GIB;
  console.log(
    `memory: terrain on ${size} x ${size} took ${((performance.now() - start) / 1000).toFixed(0)} s, ` +
      `peak RSS ${peakGib.toFixed(2)} GiB (target < 2.5 GiB: ${peakGib < 2.5 ? "met" : "NOT met"})`,
  );
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { memory: { type: "boolean", default: false }, runs: { type: "string", default: "3" } },
  });
  const scratch = mkdtempSync(join(tmpdir(), "bench-terrain-"));
  try {
    await compareWithGdaldem(scratch, Number(values.runs));
    if (values.memory) await measureMemory(scratch);
    else console.log("memory: run with --memory for the 16,000 x 16,000 peak-RSS check (several minutes)");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
