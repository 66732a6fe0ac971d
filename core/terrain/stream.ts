import { InputError } from "../errors.ts";
import type { RasterInfo } from "../raster/index.ts";
import { rowCellSizes } from "./cellsize.ts";
import { computeStrip, type TerrainBands, type TerrainMethod } from "./kernel.ts";
import type { OutputBands, OutputKey, TerrainSink } from "./sink.ts";
import { readDemStrips } from "./strips.ts";

/** Cells per DEM read on wide DEMs: ~8 MB of Float32. */
const CELLS_PER_READ = 2_000_000;
/** Rows per DEM read on narrower DEMs: the COG writers' tile height. */
const TILE_ROWS_PER_READ = 256;

const BAND_OF_OUTPUT: Record<OutputKey, keyof TerrainBands> = {
  slope: "slope",
  aspect: "aspect",
  curvature_plan: "curvaturePlan",
  curvature_profile: "curvatureProfile",
};

/**
 * About one row of COG tiles per read (at most ~2 Mpx): even a small DEM then comes in several
 * strips, so that zlib (in libuv's thread pool) compresses one strip's tiles on the other core
 * while this thread computes the next strip.
 */
export function defaultCellsPerRead(width: number): number {
  return Math.min(CELLS_PER_READ, TILE_ROWS_PER_READ * width);
}

export interface StreamOptions {
  dem: string;
  info: RasterInfo;
  bandIndex: number;
  method: TerrainMethod;
  computeEdges: boolean;
  /** Each sink with the outputs it writes. */
  sinks: { sink: TerrainSink; keys: OutputKey[] }[];
  onProgress?: (fraction: number) => void;
  /** Cells per DEM read (default ~2 million; tests use fewer to get several strips). */
  cellsPerRead?: number;
}

/**
 * Streams the DEM strip by strip, computes the four attributes and hands each sink its outputs.
 * While the sinks encode one strip, the next is read and computed (at most two strips in memory).
 * Returns the flat-cell count; throws an InputError if every DEM cell is nodata.
 */
export async function streamTerrain(options: StreamOptions): Promise<{ flatCells: number }> {
  const { dem, info, sinks } = options;
  const { cellWidth, cellHeight } = rowCellSizes(info, dem);
  const geometry = { width: info.width, demHeight: info.height, cellWidth, cellHeight };
  let validDemCells = 0;
  let flatCells = 0;
  let inFlight: Promise<unknown> = Promise.resolve();
  const cellsPerRead = options.cellsPerRead ?? defaultCellsPerRead(info.width);
  for await (const strip of readDemStrips(dem, info, options.bandIndex, cellsPerRead)) {
    validDemCells += countValid(strip.newRows);
    const cells = (strip.rowEnd - strip.rowStart) * info.width;
    const bands: TerrainBands = {
      slope: new Float32Array(cells),
      aspect: new Float32Array(cells),
      curvaturePlan: new Float32Array(cells),
      curvatureProfile: new Float32Array(cells),
    };
    computeStrip(
      { ...strip, ...geometry, method: options.method, computeEdges: options.computeEdges },
      bands,
    );
    flatCells += countZeros(bands.slope);
    await inFlight;
    const rowEnd = strip.rowEnd;
    inFlight = Promise.all(
      sinks.map(({ sink, keys }) => {
        const share: OutputBands = {};
        for (const key of keys) share[key] = bands[BAND_OF_OUTPUT[key]];
        return sink.add(strip.rowStart, share);
      }),
    ).then(() => options.onProgress?.(rowEnd / info.height));
    // Awaited at the next strip or after the loop; until then a failure must not count as unhandled.
    inFlight.catch(() => {});
  }
  await inFlight;
  if (validDemCells === 0)
    throw new InputError("every cell of the DEM is nodata: nothing to compute", { file: dem });
  return { flatCells };
}

function countValid(values: Float32Array): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) count++;
  return count;
}

function countZeros(values: Float32Array): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) count++;
  return count;
}
