import { InputError } from "../errors.ts";
import type { RasterInfo } from "../raster/index.ts";
import type { TerrainSink } from "./sink.ts";
import { type DemStrip, readDemStrips } from "./strips.ts";

/** Cells per DEM read on wide DEMs: ~8 MB of Float32. */
const CELLS_PER_READ = 2_000_000;
/** Rows per DEM read on narrower DEMs: the COG writers' tile height. */
const TILE_ROWS_PER_READ = 256;

/**
 * About one row of COG tiles per read (at most ~2 Mpx): the first strip reaches the sinks early,
 * and memory stays a few strips whatever the DEM's height.
 */
export function defaultCellsPerRead(width: number): number {
  return Math.min(CELLS_PER_READ, TILE_ROWS_PER_READ * width);
}

/** Strips posted to a worker thread ahead of its progress (each is a copy: memory stays bounded). */
export const STRIPS_AHEAD = 2;

export interface StreamOptions {
  dem: string;
  info: RasterInfo;
  bandIndex: number;
  /** Every sink, this thread's own last: it computes each strip only after the workers have theirs. */
  sinks: { sink: TerrainSink; remote: boolean }[];
  onProgress?: (fraction: number) => void;
  /** Cells per DEM read (default ~2 million; tests use fewer to get several strips). */
  cellsPerRead?: number;
}

/**
 * Streams the DEM strip by strip to every sink; each computes and writes its own outputs. The
 * next strip is read (file reads and inflate in libuv's thread pool) while the sinks work on this
 * one; worker threads may be up to STRIPS_AHEAD strips behind. Throws an InputError if every DEM
 * cell is nodata, or the first error of a sink.
 */
export async function streamTerrain(options: StreamOptions): Promise<void> {
  const { dem, info, sinks } = options;
  let validDemCells = 0;
  const cellsPerRead = options.cellsPerRead ?? defaultCellsPerRead(info.width);
  const strips = readDemStrips(dem, info, options.bandIndex, cellsPerRead);
  const pending: Promise<void>[][] = sinks.map(() => []);
  let failure: { error: unknown } | undefined;
  const settle = async (queue: Promise<void>[]) => {
    await queue.shift();
    if (failure) throw failure.error;
  };
  try {
    let next = strips.next();
    for (;;) {
      const result: IteratorResult<DemStrip> = await next;
      if (result.done) break;
      next = strips.next(); // read ahead while this strip is computed
      next.catch(() => {}); // awaited at the next turn
      const strip = result.value;
      validDemCells += countValid(strip.newRows);
      const { elevation, firstRow, rowStart, rowEnd } = strip;
      for (let s = 0; s < sinks.length; s++) {
        const { sink, remote } = sinks[s];
        while (pending[s].length >= (remote ? STRIPS_AHEAD : 1)) await settle(pending[s]);
        const added = sink.add({ elevation, firstRow, rowStart, rowEnd });
        // Awaited later; until then a failure must not count as unhandled.
        pending[s].push(
          added.catch((error: unknown) => {
            failure ??= { error };
          }),
        );
      }
      options.onProgress?.(rowEnd / info.height);
    }
    for (const queue of pending) while (queue.length > 0) await settle(queue);
  } finally {
    await strips.return(undefined);
  }
  if (validDemCells === 0)
    throw new InputError("every cell of the DEM is nodata: nothing to compute", { file: dem });
}

function countValid(values: Float32Array): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) count++;
  return count;
}
