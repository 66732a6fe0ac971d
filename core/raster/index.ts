// The raster API every science step uses: read GeoTIFFs, write COGs + PNG previews, check grids.
export type { Crs, GeoTransform, Grid, Raster, SampleArray } from "./types.ts";
export {
  bandAsFloat32,
  openRaster,
  readRaster,
  type RasterReader,
  readRasterInfo,
  type RasterInfo,
  type ReadOptions,
  type SampleType,
  type Window,
} from "./read.ts";
export { openCogWriter, writeCog, type CogWriter, type CogWriterOptions } from "./cog-writer.ts";
export { assertSameGrid, cellCenter, cellOf } from "./grid.ts";
export { writePreviewPng, type PreviewOptions } from "./preview.ts";
