import { InputError } from "../errors.ts";
import type { RasterInfo } from "../raster/index.ts";
import { rowCellSizes } from "./cellsize.ts";
import { type TerrainBands, type TerrainMethod, computeStrip } from "./kernel.ts";
import type { OutputBands, OutputKey, TerrainSink } from "./sink.ts";
import { readDemStrips } from "./strips.ts";

const BAND_OF_OUTPUT: Record<OutputKey, keyof TerrainBands> = {
  slope: "slope",
  aspect: "aspect",
  curvature_plan: "curvaturePlan",
  curvature_profile: "curvatureProfile",
};

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
  for await (const strip of readDemStrips(dem, info, options.bandIndex, options.cellsPerRead)) {
    for (const z of strip.newRows) if (!Number.isNaN(z)) validDemCells++;
    const cells = (strip.rowEnd - strip.rowStart) * info.width;
    const bands: TerrainBands = {
      slope: new Float32Array(cells),
      aspect: new Float32Array(cells),
      curvaturePlan: new Float32Array(cells),
      curvatureProfile: new Float32Array(cells),
    };
    computeStrip({ ...strip, ...geometry, method: options.method, computeEdges: options.computeEdges }, bands);
    for (const s of bands.slope) if (s === 0) flatCells++;
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
  if (validDemCells === 0) throw new InputError("every cell of the DEM is nodata: nothing to compute", { file: dem });
  return { flatCells };
}
