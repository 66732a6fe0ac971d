// The raster API every science step uses: read GeoTIFFs, write COGs + PNG previews, check grids.

export { type CogWriter, type CogWriterOptions, openCogWriter, writeCog } from "./cog-writer.ts";
export { assertSameGrid, cellCenter, cellOf } from "./grid.ts";
export { type PreviewOptions, writePreviewPng } from "./preview.ts";
export { openPyramid, type PyramidReader } from "./pyramid.ts";
export {
  bandAsFloat32,
  openRaster,
  type RasterInfo,
  type RasterReader,
  type ReadOptions,
  readRaster,
  readRasterInfo,
  type SampleType,
  type Window,
} from "./read.ts";
export type { Crs, GeoTransform, Grid, Raster, SampleArray } from "./types.ts";
