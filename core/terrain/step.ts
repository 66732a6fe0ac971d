import { mkdirSync } from "node:fs";
import { InputError } from "../errors.ts";
import { BYTES_PER_WORKER, checkMemory, sampleBytes } from "../limits.ts";
import { parseOptionsWith } from "../options.ts";
import { type RasterInfo, readRasterInfo } from "../raster/index.ts";
import type { Grid } from "../raster/types.ts";
import { defaultThreads } from "../util/workers.ts";
import { rowCellSizes } from "./cellsize.ts";
import { openRemoteSink } from "./remote-sink.ts";
import { type TerrainOptions, type TerrainSummary, terrainOptionsSchema } from "./schema.ts";
import { type OutputKey, type OutputSummaries, openLocalSink } from "./sink.ts";
import { defaultCellsPerRead, streamTerrain } from "./stream.ts";
import { rowsPerDemRead } from "./strips.ts";

export type ProgressCallback = (fraction: number, message?: string) => void;

const OUTPUT_ORDER: OutputKey[] = ["slope", "curvature_plan", "aspect", "curvature_profile"];

/**
 * Unless told how many threads to use, one thread per this many cells: a worker costs ~0.3 s of
 * CPU to start (its own TypeScript loader), more than it saves on a DEM of a few Mpx.
 */
const CELLS_PER_EXTRA_THREAD = 4_000_000;

/**
 * The terrain step: slope, aspect and plan/profile curvature of a DEM as COGs + PNG previews in
 * `outDir`. The DEM is streamed in strips of rows, so memory does not grow with its size. This
 * thread reads and computes; with several threads, workers encode a share of the four outputs
 * each, since encoding the COGs, not the 3x3 arithmetic, is most of the work.
 */
export async function runTerrain(
  options: TerrainOptions,
  hooks: { onProgress?: ProgressCallback } = {},
): Promise<TerrainSummary> {
  const started = performance.now();
  const parsed = parseOptionsWith(terrainOptionsSchema, options, "terrain options");
  const { dem, outDir, method, computeEdges } = parsed;
  const info = await readRasterInfo(dem);
  const bandIndex = resolveBand(info, parsed.band, dem);
  if (info.width < 3 || info.height < 3) {
    throw new InputError(`the DEM is ${info.width} x ${info.height} cells; terrain needs at least 3 x 3`, {
      file: dem,
    });
  }
  rowCellSizes(info, dem); // rejects rotated grids before any work starts
  mkdirSync(outDir, { recursive: true });

  const cells = info.width * info.height;
  const wanted = parsed.threads ?? Math.min(defaultThreads(), Math.ceil(cells / CELLS_PER_EXTRA_THREAD));
  const threads = Math.max(1, Math.min(wanted, OUTPUT_ORDER.length));
  checkMemory(
    terrainMemoryBytes(info, threads),
    parsed.memoryLimitGb,
    `terrain of a DEM ${info.width} cells wide${info.layout.blockHeight > 1024 ? ` stored in blocks of ${info.layout.blockHeight} rows (gdal_translate -co TILED=YES makes it streamable)` : ""}`,
    dem,
  );
  const grid: Grid = { width: info.width, height: info.height, transform: info.transform, crs: info.crs };
  // This thread reads, computes and encodes the first share; each worker encodes one more share.
  const sinks = Array.from({ length: threads }, (_, t) => {
    const keys = OUTPUT_ORDER.filter((_, k) => k % threads === t);
    return { keys, sink: t === 0 ? openLocalSink(outDir, grid, keys) : openRemoteSink(outDir, grid, keys) };
  });
  let flatCells: number;
  const outputs: OutputSummaries = {};
  try {
    ({ flatCells } = await streamTerrain({
      dem,
      info,
      bandIndex,
      method,
      computeEdges,
      sinks,
      onProgress: (fraction) =>
        hooks.onProgress?.(fraction, `row ${Math.round(fraction * info.height)} of ${info.height}`),
    }));
    for (const { sink } of sinks) Object.assign(outputs, await sink.finish());
  } catch (error) {
    await Promise.all(sinks.map(({ sink }) => sink.abort()));
    throw error;
  }
  return {
    dem,
    method,
    computeEdges,
    width: info.width,
    height: info.height,
    geographic: info.crs.geographic,
    flatCells,
    outputs: outputs as TerrainSummary["outputs"],
    seconds: (performance.now() - started) / 1000,
  };
}

/** The COG writers' tile height: each holds a block of this many rows per resolution level. */
const TILE_ROWS = 256;
/** Compressed tiles a COG writer keeps in memory before it spills them (cog-writer.ts). */
const HELD_BYTES_PER_WRITER = 32 * 1024 * 1024;

/**
 * Peak memory of the streamed terrain step. It grows with the DEM's width, not its height: the
 * rows of one read (decoded, as Float32, and with the carried halo rows), the four Float32 outputs
 * of two strips (one computed while the other is encoded), and per output a COG writer with a
 * block of tile rows at full resolution, as much again over the overviews and in tiles being
 * compressed, and its held compressed tiles.
 */
export function terrainMemoryBytes(info: RasterInfo, threads: number): number {
  const readCells = rowsPerDemRead(info, defaultCellsPerRead(info.width)) * info.width;
  const reading = readCells * (sampleBytes(info.sampleType) + 4 + 4);
  const outputs = 2 * readCells * 4 * OUTPUT_ORDER.length;
  const writer = info.width * TILE_ROWS * 4 * 4 + HELD_BYTES_PER_WRITER;
  return reading + outputs + OUTPUT_ORDER.length * writer + (threads - 1) * BYTES_PER_WORKER;
}

/** 0-based band index from a 1-based number or a band name (default: the first band). */
function resolveBand(info: RasterInfo, band: number | string | undefined, file: string): number {
  if (band === undefined) return 0;
  if (typeof band === "number") {
    if (band > info.bandCount)
      throw new InputError(`band ${band} does not exist (the file has ${info.bandCount})`, { file });
    return band - 1;
  }
  const index = info.bandNames.indexOf(band);
  if (index < 0) {
    const names = info.bandNames.map((n, i) => n ?? `#${i + 1}`).join(", ");
    throw new InputError(`no band named "${band}" (bands: ${names})`, { file });
  }
  return index;
}
