import { bandAsFloat32, type RasterInfo, readRaster } from "../raster/index.ts";

/** Target number of cells read per strip: ~8 MB of Float32, whatever the DEM's width. */
const CELLS_PER_READ = 2_000_000;

export interface DemStrip {
  /** Elevations (NaN = nodata) of rows `firstRow ..`: the rows to compute plus one halo row each side. */
  elevation: Float32Array;
  firstRow: number;
  /** Rows to compute now: `[rowStart, rowEnd)`. */
  rowStart: number;
  rowEnd: number;
  /** The rows read from the file for this strip (each DEM row appears in exactly one strip's newRows). */
  newRows: Float32Array;
}

/** Rows per read: a whole number of the file's blocks, about `cellsPerRead` cells. */
export function rowsPerDemRead(info: RasterInfo, cellsPerRead = CELLS_PER_READ): number {
  const blockHeight = Math.max(1, info.layout.blockHeight);
  return Math.max(1, Math.round(cellsPerRead / info.width / blockHeight)) * blockHeight;
}

/**
 * Reads a DEM band top to bottom in windows aligned to the file's blocks (so that no block is
 * decoded twice) and yields strips whose rows can be computed: every row with its neighbours.
 * Only the last two rows of one read are kept for the next.
 */
export async function* readDemStrips(
  path: string,
  info: RasterInfo,
  band: number,
  cellsPerRead = CELLS_PER_READ,
): AsyncGenerator<DemStrip> {
  const { width, height } = info;
  const rowsPerRead = rowsPerDemRead(info, cellsPerRead);
  let carried = new Float32Array(0);
  let carriedFirstRow = 0;
  let nextToCompute = 0;
  for (let readStart = 0; readStart < height; readStart += rowsPerRead) {
    const readRows = Math.min(rowsPerRead, height - readStart);
    const raster = await readRaster(path, {
      bands: [band],
      window: { x0: 0, y0: readStart, width, height: readRows },
    });
    const newRows = bandAsFloat32(raster);
    const elevation = new Float32Array(carried.length + newRows.length);
    elevation.set(carried);
    elevation.set(newRows, carried.length);
    const bufferEnd = readStart + readRows;
    // The last row read cannot be computed until the next read brings its southern neighbour.
    const rowEnd = bufferEnd === height ? height : bufferEnd - 1;
    yield { elevation, firstRow: carriedFirstRow, rowStart: nextToCompute, rowEnd, newRows };
    nextToCompute = rowEnd;
    carriedFirstRow = Math.max(0, nextToCompute - 1);
    carried = elevation.slice((carriedFirstRow - (bufferEnd - elevation.length / width)) * width);
  }
}
