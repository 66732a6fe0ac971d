/** GDAL's affine geotransform: [originX, pixelWidth, rowRotation, originY, columnRotation, pixelHeight]. */
export type GeoTransform = [number, number, number, number, number, number];

export interface Crs {
  /** EPSG code when the GeoKeys (or WKT) name one. */
  epsg?: number;
  /** true for a geographic CRS (degrees): terrain then uses per-row metric cell sizes. */
  geographic: boolean;
  /** Horizontal units per metre factor is not stored: projected CRSs here are assumed to be in metres. */
  wkt?: string;
}

export type SampleArray =
  | Float32Array
  | Float64Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Uint8Array
  | Int8Array;

/** The grid a raster lives on. Two rasters are aligned when their grids are equal (see grid.ts). */
export interface Grid {
  width: number;
  height: number;
  transform: GeoTransform;
  crs: Crs;
}

/**
 * A raster in memory: one typed array per band, row-major, `width * height` samples each.
 * `nodata` is the value stored in the file (GDAL_NODATA) or null. Science code works on Float32
 * bands in which nodata is NaN (see `bandAsFloat32` in read.ts).
 */
export interface Raster extends Grid {
  bands: SampleArray[];
  bandNames: (string | undefined)[];
  nodata: number | null;
}
