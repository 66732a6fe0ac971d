import { mkdirSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import { InputError } from "../errors.ts";
import { type RasterInfo, readRasterInfo } from "../raster/index.ts";
import { defaultThreads, startWorker } from "../util/workers.ts";
import { rowCellSizes } from "./cellsize.ts";
import { type OutputKey, type TerrainPart, type TerrainPartResult, runTerrainPart } from "./part.ts";
import { type TerrainOptions, type TerrainSummary, terrainOptionsSchema } from "./schema.ts";

export type ProgressCallback = (fraction: number, message?: string) => void;

const OUTPUT_ORDER: OutputKey[] = ["slope", "curvature_plan", "aspect", "curvature_profile"];

/**
 * Unless told how many threads to use, one thread per this many cells. Each worker starts its own
 * TypeScript loader (~0.3 s of CPU) and decodes the DEM again: on a 1.4 Mpx DEM two threads cost
 * 2.5 s of CPU against 1.75 s for one, so below a few Mpx one thread is the better use of a core.
 */
const CELLS_PER_EXTRA_THREAD = 4_000_000;

/**
 * The terrain step: slope, aspect and plan/profile curvature of a DEM as COGs + PNG previews in
 * `outDir`. The DEM is streamed in strips of rows, so memory does not grow with its size. With
 * several threads, each worker streams the DEM and writes its share of the four outputs: the
 * encoding of the COGs, not the 3x3 arithmetic, is most of the work.
 */
export async function runTerrain(options: TerrainOptions, hooks: { onProgress?: ProgressCallback } = {}): Promise<TerrainSummary> {
  const started = performance.now();
  const parsed = terrainOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`invalid terrain option ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  const { dem, outDir, method, computeEdges } = parsed.data;
  const info = await readRasterInfo(dem);
  const bandIndex = resolveBand(info, parsed.data.band, dem);
  if (info.width < 3 || info.height < 3) {
    throw new InputError(`the DEM is ${info.width} x ${info.height} cells; terrain needs at least 3 x 3`, { file: dem });
  }
  rowCellSizes(info, dem); // rejects rotated grids before any work starts
  mkdirSync(outDir, { recursive: true });

  const cells = info.width * info.height;
  const wanted = parsed.data.threads ?? Math.min(defaultThreads(), Math.ceil(cells / CELLS_PER_EXTRA_THREAD));
  const threads = Math.max(1, Math.min(wanted, OUTPUT_ORDER.length));
  const parts: TerrainPart[] = Array.from({ length: threads }, (_, t) => ({
    dem,
    bandIndex,
    outDir,
    method,
    computeEdges,
    outputs: OUTPUT_ORDER.filter((_, k) => k % threads === t),
  }));
  const report = (fraction: number) => hooks.onProgress?.(fraction, `${Math.round(fraction * 100)}% of ${info.height} rows`);
  const results = threads === 1 ? [await runTerrainPart(parts[0], report)] : await runPartsInWorkers(parts, report);

  const outputs = Object.assign({}, ...results.map((r) => r.outputs)) as TerrainSummary["outputs"];
  return {
    dem,
    method,
    computeEdges,
    width: info.width,
    height: info.height,
    geographic: info.crs.geographic,
    flatCells: results[0].flatCells,
    outputs: {
      slope: outputs.slope,
      aspect: outputs.aspect,
      curvature_plan: outputs.curvature_plan,
      curvature_profile: outputs.curvature_profile,
    },
    seconds: (performance.now() - started) / 1000,
  };
}

/** One worker per part; the first failure stops the others (their outputs are then discarded). */
async function runPartsInWorkers(parts: TerrainPart[], onProgress: (fraction: number) => void): Promise<TerrainPartResult[]> {
  const workers = parts.map((part) => startWorker(new URL("./worker.ts", import.meta.url), part));
  try {
    return await Promise.all(workers.map((worker, t) => resultOf(worker, t === 0 ? onProgress : undefined)));
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

function resultOf(worker: Worker, onProgress?: (fraction: number) => void): Promise<TerrainPartResult> {
  return new Promise((resolve, reject) => {
    worker.on("message", (message) => {
      if (message.progress !== undefined) onProgress?.(message.progress);
      else if (message.result) resolve(message.result);
      else if (message.error.inputError) reject(new InputError(message.error.inputError.message, { file: message.error.inputError.file }));
      else reject(Object.assign(new Error(message.error.message), { stack: message.error.stack }));
    });
    worker.once("error", reject);
  });
}

/** 0-based band index from a 1-based number or a band name (default: the first band). */
function resolveBand(info: RasterInfo, band: number | string | undefined, file: string): number {
  if (band === undefined) return 0;
  if (typeof band === "number") {
    if (band > info.bandCount) throw new InputError(`band ${band} does not exist (the file has ${info.bandCount})`, { file });
    return band - 1;
  }
  const index = info.bandNames.indexOf(band);
  if (index < 0) {
    const names = info.bandNames.map((n, i) => n ?? `#${i + 1}`).join(", ");
    throw new InputError(`no band named "${band}" (bands: ${names})`, { file });
  }
  return index;
}
