// COG writing speed against GDAL, and the streaming writer's memory on a big raster.
// 1. The Aconcagua SRTM tile (1201 x 1201, as Float32) written as a COG (DEFLATE, predictor 3,
//    overviews) by core/raster and by `gdal_translate -of COG`, in the same run; prints the ratio.
// 2. A synthetic Float32 raster (default 16000 x 16000, `--size N` to change) streamed through
//    openCogWriter in 256-row strips; prints seconds and peak RSS (target: far below 2.5 GiB).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bandAsFloat32, openCogWriter, readRaster, writeCog } from "../core/raster/index.ts";

const ACONCAGUA_FILE = "S33W071_srtm3_aconcagua.tif";
const CACHED_DEMS = new URL("./.cache/dem/", import.meta.url).pathname;

function seconds(start: number): number {
  return (performance.now() - start) / 1000;
}

async function compareWithGdal(dir: string, demDir: string): Promise<void> {
  const ACONCAGUA = join(demDir, ACONCAGUA_FILE);
  if (!existsSync(ACONCAGUA)) {
    console.log(
      `skipping the GDAL comparison: ${ACONCAGUA} not found (give --dem-dir or $QUAKESLIDE_BENCH_DEMS)`,
    );
    return;
  }
  if (spawnSync("gdal_translate", ["--version"]).status !== 0) {
    console.log("skipping the GDAL comparison: gdal_translate not installed");
    return;
  }
  const dem = await readRaster(ACONCAGUA);
  const band = bandAsFloat32(dem);
  const runs = 3;
  let ours = Number.POSITIVE_INFINITY;
  let gdal = Number.POSITIVE_INFINITY;
  const oursPath = join(dir, "ours.tif");
  const gdalPath = join(dir, "gdal.tif");
  // Best of 3 for each, interleaved, since the machine is shared and noisy.
  for (let i = 0; i < runs; i++) {
    let start = performance.now();
    await writeCog(oursPath, { ...dem, bands: [band], nodata: Number.NaN });
    ours = Math.min(ours, seconds(start));
    start = performance.now();
    const args = ["-q", "-of", "COG", "-ot", "Float32", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=YES"];
    const result = spawnSync("gdal_translate", [...args, "-co", "NUM_THREADS=ALL_CPUS", ACONCAGUA, gdalPath]);
    gdal = Math.min(gdal, seconds(start));
    if (result.status !== 0) throw new Error(`gdal_translate failed: ${result.stderr}`);
  }
  console.log(
    `COG of ${dem.width}x${dem.height} Float32 (DEFLATE, predictor 3, overviews), best of ${runs}:`,
  );
  console.log(
    `  core/raster writeCog   ${ours.toFixed(3)} s  ${(statSync(oursPath).size / 1e6).toFixed(2)} MB`,
  );
  console.log(
    `  gdal_translate -of COG ${gdal.toFixed(3)} s  ${(statSync(gdalPath).size / 1e6).toFixed(2)} MB (process start included)`,
  );
  let startup = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    spawnSync("gdal_translate", ["--version"]);
    startup = Math.min(startup, seconds(start));
  }
  console.log(`  ratio ours/gdal: ${(ours / gdal).toFixed(2)}`);
  console.log(
    `  (gdal_translate --version alone takes ${startup.toFixed(3)} s: ratio without it ${(ours / (gdal - startup)).toFixed(2)})`,
  );
}

async function streamBigRaster(dir: string, size: number): Promise<void> {
  const strip = 256;
  const grid = {
    width: size,
    height: size,
    transform: [0, 10, 0, 0, 0, -10] as [number, number, number, number, number, number],
    crs: { epsg: 32717, geographic: false },
  };
  const path = join(dir, "big.tif");
  const writer = openCogWriter(path, grid, { bandNames: ["elev"] });
  const rows = new Float32Array(strip * size);
  const start = performance.now();
  for (let y0 = 0; y0 < size; y0 += strip) {
    const count = Math.min(strip, size - y0);
    for (let r = 0; r < count; r++) {
      const y = y0 + r;
      for (let x = 0; x < size; x++)
        rows[r * size + x] = 1000 + 500 * Math.sin(x / 700) * Math.cos(y / 900) + ((x * 31 + y * 17) % 13);
    }
    await writer.writeRows(y0, count === strip ? rows : rows.subarray(0, count * size));
  }
  await writer.close();
  const rssGiB = process.resourceUsage().maxRSS / 1024 / 1024;
  console.log(
    `streamed ${size}x${size} Float32 COG in ${seconds(start).toFixed(1)} s, ${(statSync(path).size / 1e9).toFixed(2)} GB; peak RSS ${rssGiB.toFixed(2)} GiB`,
  );
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { size: { type: "string", default: "16000" }, "dem-dir": { type: "string" } },
  });
  const dir = mkdtempSync(join(tmpdir(), "bench-raster-"));
  try {
    await compareWithGdal(dir, values["dem-dir"] ?? process.env.QUAKESLIDE_BENCH_DEMS ?? CACHED_DEMS);
    await streamBigRaster(dir, Number(values.size));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
