// `npm run bench -- terrain [--runs N] [--dem-dir DIR] [--before DIR] [--memory]`: the whole
// `quakeslide terrain` command (slope, aspect and both curvatures as COGs + PNG previews, process
// start-up included) against the whole `gdaldem slope` + `gdaldem aspect` commands on the same
// DEM, in the same run, runs interleaved so that a busy moment hits every command alike; the
// fastest of N each. gdaldem writes plain GeoTIFFs, then COGs (DEFLATE level 1, as ours).
//
// DEMs: the repository's Ecuador DEM, and the benchmark tiles of the shared data set (SRTM-3
// S33W071 "Aconcagua", 1201 x 1201, geographic; SRTM-1 Big Tujunga, 1197 x 643, UTM) from
// --dem-dir, $QUAKESLIDE_BENCH_DEMS or bench/.cache/dem/ (git-ignored), when they are there.
// --before DIR times the terrain command of another checkout too (e.g. `git worktree add DIR
// <commit>` with its node_modules), for before/after ratios in one run. --memory also generates a
// 16,000 x 16,000 Float32 DEM and measures the peak RSS of our command on it (target < 2.5 GiB)
// and its time against gdaldem's.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { staleInput } from "../bin/dist-check.mjs";
import { bandAsFloat32, openCogWriter, readRaster } from "../core/raster/index.ts";
import { buildAll, DIST, REPOSITORY_ROOT } from "../scripts/build.ts";

const BIN = join(REPOSITORY_ROOT, "bin", "quakeslide.mjs");
const GIB = 1024 ** 3;

interface BenchDem {
  label: string;
  path: string;
  /** gdaldem's scale for a geographic DEM (metres per degree); ours uses each row's true size. */
  gdaldemScale: string[];
}

interface Command {
  label: string;
  /** Runs the command once into `out` and returns its wall time in seconds. */
  run(out: string): number;
}

function timed(command: string, args: string[], env: Record<string, string> = {}): number {
  const start = performance.now();
  const result = spawnSync(command, args, { encoding: "utf8", env: { ...process.env, ...env } });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed: ${result.error ?? ""}${result.stderr}`);
  return (performance.now() - start) / 1000;
}

function demsOf(demDir: string | undefined): BenchDem[] {
  const dems: BenchDem[] = [
    {
      label: "Ecuador 10 m (repository)",
      path: join(REPOSITORY_ROOT, "data/ecuador/dem.tif"),
      gdaldemScale: [],
    },
  ];
  const shared = [
    { label: "Aconcagua SRTM-3", file: "S33W071_srtm3_aconcagua.tif", gdaldemScale: ["-s", "111120"] },
    { label: "Big Tujunga SRTM-1", file: "bigtujunga_srtm1_utm11.tif", gdaldemScale: [] },
  ];
  for (const { label, file, gdaldemScale } of shared) {
    const path = demDir ? join(demDir, file) : "";
    if (demDir && existsSync(path)) dems.push({ label, path, gdaldemScale });
    else console.log(`${label}: ${file} not found (give --dem-dir or $QUAKESLIDE_BENCH_DEMS); skipped`);
  }
  return dems;
}

function commandsFor(dem: BenchDem, before: string | undefined): Command[] {
  const cog = ["-of", "COG", "-co", "COMPRESS=DEFLATE", "-co", "LEVEL=1"];
  const gdaldem = (extra: string[]) => (out: string) =>
    timed("gdaldem", ["slope", "-q", ...extra, ...dem.gdaldemScale, dem.path, join(out, "slope.tif")]) +
    timed("gdaldem", ["aspect", "-q", ...extra, dem.path, join(out, "aspect.tif")]);
  const terrain =
    (bin: string, env: Record<string, string> = {}, extra: string[] = []) =>
    (out: string) =>
      timed(
        process.execPath,
        [bin, "terrain", "--dem", dem.path, "--out", join(out, "q"), "--json", ...extra],
        env,
      );
  const commands: Command[] = [
    { label: "quakeslide terrain", run: terrain(BIN) },
    { label: "quakeslide terrain --threads 1", run: terrain(BIN, {}, ["--threads", "1"]) },
    { label: "quakeslide terrain via tsx", run: terrain(BIN, { QUAKESLIDE_FROM_SOURCES: "1" }) },
    { label: "gdaldem slope+aspect, GTiff", run: gdaldem([]) },
    { label: "gdaldem slope+aspect, COG", run: gdaldem(cog) },
    { label: "node -e 0", run: () => timed(process.execPath, ["-e", "0"]) },
  ];
  if (before)
    commands.push({
      label: "before: quakeslide terrain",
      run: terrain(join(before, "bin", "quakeslide.mjs")),
    });
  return commands;
}

function outputFolder(scratch: string, label: string): string {
  return join(scratch, label.replace(/\W+/g, "-"));
}

function folderBytes(folder: string, suffix: string): number {
  return readdirSync(folder)
    .filter((name) => name.endsWith(suffix))
    .reduce((sum, name) => sum + statSync(join(folder, name)).size, 0);
}

async function compareWithGdaldem(scratch: string, dems: BenchDem[], runs: number, before?: string) {
  for (const dem of dems) {
    const commands = commandsFor(dem, before);
    const best = new Map(commands.map((c) => [c.label, Number.POSITIVE_INFINITY]));
    for (let round = 0; round < runs; round++) {
      for (const command of commands) {
        // Each command writes into its own folder, emptied before each run (the last run's stays).
        const folder = outputFolder(scratch, command.label);
        rmSync(folder, { recursive: true, force: true });
        mkdirSync(folder, { recursive: true });
        best.set(command.label, Math.min(best.get(command.label)!, command.run(folder)));
      }
    }
    const get = (label: string) => best.get(label)!;
    const ours = get("quakeslide terrain");
    const plain = get("gdaldem slope+aspect, GTiff");
    const cog = get("gdaldem slope+aspect, COG");
    console.log(`\n${dem.label} (${dem.path.split("/").pop()}), fastest of ${runs}:`);
    for (const command of commands) {
      const seconds = get(command.label);
      console.log(
        `  ${command.label.padEnd(32)} ${seconds.toFixed(3)} s   /GTiff ${(seconds / plain).toFixed(2)}   /COG ${(seconds / cog).toFixed(2)}`,
      );
    }
    console.log(
      `  RATIO quakeslide terrain / gdaldem: ${(ours / plain).toFixed(2)} vs GTiff, ${(ours / cog).toFixed(2)} vs COG` +
        (before
          ? `; before: ${(get("before: quakeslide terrain") / plain).toFixed(2)} vs GTiff, ${(get("before: quakeslide terrain") / cog).toFixed(2)} vs COG`
          : ""),
    );
    const oursDir = join(outputFolder(scratch, "quakeslide terrain"), "q");
    const gdalDir = outputFolder(scratch, "gdaldem slope+aspect, COG");
    console.log(
      `  sizes: our 4 COGs ${(folderBytes(oursDir, ".tif") / 1e6).toFixed(1)} MB (+ 4 PNGs ${(folderBytes(oursDir, ".png") / 1e6).toFixed(1)} MB); ` +
        `gdaldem's 2 COGs ${(folderBytes(gdalDir, ".tif") / 1e6).toFixed(1)} MB`,
    );
    if (dem.gdaldemScale.length === 0) {
      const diff = await maxSlopeDifference(
        join(oursDir, "slope.tif"),
        join(outputFolder(scratch, "gdaldem slope+aspect, GTiff"), "slope.tif"),
      );
      console.log(
        `  max |slope - gdaldem slope| ${diff.max} deg over ${diff.compared} cells, nodata cells differing: ${diff.nodataMismatches}`,
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
    deflateStrategy: "planes",
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

/** Peak RSS (GiB) and wall seconds of a command, from GNU time. */
function measured(args: string[]): { peakGib: number; seconds: number } {
  const start = performance.now();
  const result = spawnSync("/usr/bin/time", ["-v", ...args], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr}`);
  const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1]);
  return { peakGib: (peakKb * 1024) / GIB, seconds: (performance.now() - start) / 1000 };
}

async function measureBigDem(scratch: string): Promise<void> {
  if (spawnSync("/usr/bin/time", ["-V"]).error) {
    console.log("memory: /usr/bin/time not installed (apt-get install time); skipped");
    return;
  }
  const size = 16_000;
  const dem = join(scratch, "big.tif");
  let start = performance.now();
  await writeBigDem(dem, size);
  console.log(
    `\n16k: generated a ${size} x ${size} Float32 DEM in ${((performance.now() - start) / 1000).toFixed(0)} s`,
  );
  const ours = measured([
    process.execPath,
    BIN,
    "terrain",
    "--dem",
    dem,
    "--out",
    join(scratch, "big-out"),
    "--json",
  ]);
  rmSync(join(scratch, "big-out"), { recursive: true, force: true });
  start = performance.now();
  const plain =
    timed("gdaldem", ["slope", "-q", dem, join(scratch, "big-slope.tif")]) +
    timed("gdaldem", ["aspect", "-q", dem, join(scratch, "big-aspect.tif")]);
  rmSync(join(scratch, "big-slope.tif"), { force: true });
  rmSync(join(scratch, "big-aspect.tif"), { force: true });
  const cogOptions = ["-of", "COG", "-co", "COMPRESS=DEFLATE", "-co", "LEVEL=1"];
  const cog =
    timed("gdaldem", ["slope", "-q", ...cogOptions, dem, join(scratch, "big-slope-cog.tif")]) +
    timed("gdaldem", ["aspect", "-q", ...cogOptions, dem, join(scratch, "big-aspect-cog.tif")]);
  console.log(
    `16k: quakeslide terrain ${ours.seconds.toFixed(1)} s, peak RSS ${ours.peakGib.toFixed(2)} GiB ` +
      `(target < 2.5 GiB: ${ours.peakGib < 2.5 ? "met" : "NOT met"}); gdaldem slope+aspect ${plain.toFixed(1)} s GTiff, ` +
      `${cog.toFixed(1)} s COG -> RATIO ${(ours.seconds / plain).toFixed(2)} vs GTiff, ${(ours.seconds / cog).toFixed(2)} vs COG`,
  );
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      memory: { type: "boolean", default: false },
      runs: { type: "string", default: "5" },
      "dem-dir": { type: "string" },
      before: { type: "string" },
    },
  });
  const stale = staleInput(REPOSITORY_ROOT, `${DIST}/build.json`);
  if (stale) {
    console.log(`dist/ is stale (${stale}): building it first`);
    await buildAll();
  }
  const cached = join(REPOSITORY_ROOT, "bench", ".cache", "dem");
  const demDir =
    values["dem-dir"] ?? process.env.QUAKESLIDE_BENCH_DEMS ?? (existsSync(cached) ? cached : undefined);
  const scratch = mkdtempSync(join(tmpdir(), "bench-terrain-"));
  try {
    await compareWithGdaldem(scratch, demsOf(demDir), Number(values.runs), values.before);
    if (values.memory) await measureBigDem(scratch);
    else console.log("\n16k: run with --memory for the 16,000 x 16,000 DEM (peak RSS and time; minutes)");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
