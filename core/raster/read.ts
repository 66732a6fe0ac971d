import { closeSync, existsSync, openSync, statSync } from "node:fs";
import { fromFile, type GeoTIFF, type GeoTIFFImage } from "geotiff";
import { InputError } from "../errors.ts";
import { registerFastDecoders } from "./decoders.ts";
import { readBlocks } from "./read-blocks.ts";
import { checkFirstIfdInsideFile, describe, type RasterInfo } from "./tiff-header.ts";
import type { GeoTransform, Raster, SampleArray } from "./types.ts";

export type { RasterInfo, SampleType } from "./tiff-header.ts";

/** A window in pixel coordinates of the full raster: columns x0..x0+width-1, rows y0..y0+height-1. */
export interface Window {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

export interface ReadOptions {
  /** Band indices (0-based, as in `raster.bands`) or band names (from the GDAL band descriptions). */
  bands?: (number | string)[];
  window?: Window;
}

registerFastDecoders();

interface OpenedTiff {
  tiff: GeoTIFF;
  image: GeoTIFFImage;
  info: RasterInfo;
}

/** Reads the header of a GeoTIFF: grid, bands, nodata, sample type and block layout; no pixels. */
export async function readRasterInfo(path: string): Promise<RasterInfo> {
  const opened = await openTiff(path);
  opened.tiff.close();
  return opened.info;
}

/** Reads all (or some) bands of a GeoTIFF, optionally only a window; only the blocks the window touches are decoded. */
export async function readRaster(path: string, options: ReadOptions = {}): Promise<Raster> {
  const reader = await openRaster(path);
  try {
    return await reader.read(options);
  } finally {
    reader.close();
  }
}

/** An open GeoTIFF for reading many windows (e.g. strip by strip) without re-parsing its header. */
export interface RasterReader {
  info: RasterInfo;
  read(options?: ReadOptions): Promise<Raster>;
  close(): void;
}

export async function openRaster(path: string): Promise<RasterReader> {
  const { tiff, image, info } = await openTiff(path);
  // Our own descriptor for the block reads of read-blocks.ts; geotiff.js keeps its own.
  const fd = openSync(path, "r");
  return {
    info,
    read: (options = {}) => readWindow(path, fd, image, info, options),
    close: () => {
      tiff.close();
      closeSync(fd);
    },
  };
}

async function readWindow(
  path: string,
  fd: number,
  image: GeoTIFFImage,
  info: RasterInfo,
  options: ReadOptions,
): Promise<Raster> {
  const bandIndices = resolveBands(path, info, options.bands);
  const window = options.window ?? { x0: 0, y0: 0, width: info.width, height: info.height };
  checkWindow(path, info, window);
  let data: SampleArray[];
  try {
    data =
      (await readBlocks(fd, image, info, bandIndices, window)) ??
      Array.from(
        (await image.readRasters({
          window: [window.x0, window.y0, window.x0 + window.width, window.y0 + window.height],
          samples: bandIndices,
          interleave: false,
        })) as unknown as ArrayLike<SampleArray>,
      );
  } catch (error) {
    const reason = `cannot decode the pixels (${(error as Error).message}); the file may be truncated or corrupt`;
    throw new InputError(reason, { file: path, cause: error });
  }
  const [ox, px, rx, oy, ry, py] = info.transform;
  const transform: GeoTransform = [
    ox + window.x0 * px + window.y0 * rx,
    px,
    rx,
    oy + window.x0 * ry + window.y0 * py,
    ry,
    py,
  ];
  return {
    width: window.width,
    height: window.height,
    transform,
    crs: info.crs,
    bands: data,
    bandNames: bandIndices.map((i) => info.bandNames[i]),
    nodata: info.nodata,
  };
}

/** A Float32 copy of one band in which the file's nodata value is NaN (Float64 values are rounded). */
export function bandAsFloat32(raster: Raster, band = 0): Float32Array {
  const source = raster.bands[band];
  if (source === undefined)
    throw new RangeError(`band ${band} does not exist (raster has ${raster.bands.length})`);
  const out = new Float32Array(source);
  const nodata = raster.nodata;
  if (nodata === null || Number.isNaN(nodata)) return out;
  // Compare in the source type so that a Float32 nodata such as -3.4e38 matches its stored value.
  const stored = source instanceof Float32Array ? Math.fround(nodata) : nodata;
  for (let i = 0; i < source.length; i++) if (source[i] === stored) out[i] = Number.NaN;
  return out;
}

async function openTiff(path: string): Promise<OpenedTiff> {
  if (!existsSync(path)) throw new InputError("file not found", { file: path });
  if (!statSync(path).isFile())
    throw new InputError(statSync(path).isDirectory() ? "is a folder, not a GeoTIFF" : "is not a file", {
      file: path,
    });
  checkFirstIfdInsideFile(path);
  let tiff: GeoTIFF;
  let image: GeoTIFFImage;
  try {
    tiff = await fromFile(path);
    image = await tiff.getImage(0);
  } catch (error) {
    throw new InputError(
      `not a readable TIFF (${(error as Error).message}); the file may be truncated or corrupt`,
      {
        file: path,
        cause: error,
      },
    );
  }
  try {
    const info = await describe(path, tiff, image);
    return { tiff, image, info };
  } catch (error) {
    tiff.close();
    if (error instanceof InputError) throw error;
    throw new InputError(
      `cannot read the TIFF header (${(error as Error).message}); the file may be truncated or corrupt`,
      {
        file: path,
        cause: error,
      },
    );
  }
}

function resolveBands(path: string, info: RasterInfo, bands: (number | string)[] | undefined): number[] {
  if (bands === undefined) return Array.from({ length: info.bandCount }, (_, i) => i);
  return bands.map((band) => {
    if (typeof band === "number") {
      if (!Number.isInteger(band) || band < 0 || band >= info.bandCount) {
        throw new InputError(`has no band index ${band} (it has ${info.bandCount} bands, indices from 0)`, {
          file: path,
        });
      }
      return band;
    }
    const index = info.bandNames.indexOf(band);
    if (index < 0) {
      const known = info.bandNames.filter((n) => n !== undefined).join(", ") || "none";
      throw new InputError(`has no band named "${band}" (band names: ${known})`, { file: path });
    }
    return index;
  });
}

/** Whether a window is a non-empty block of whole cells inside a width x height raster. */
export function windowInside(w: Window, width: number, height: number): boolean {
  return (
    [w.x0, w.y0, w.width, w.height].every(Number.isInteger) &&
    w.x0 >= 0 &&
    w.y0 >= 0 &&
    w.width > 0 &&
    w.height > 0 &&
    w.x0 + w.width <= width &&
    w.y0 + w.height <= height
  );
}

function checkWindow(path: string, info: RasterInfo, w: Window): void {
  if (!windowInside(w, info.width, info.height)) {
    throw new InputError(
      `window x0=${w.x0} y0=${w.y0} ${w.width}x${w.height} is outside the raster (${info.width}x${info.height})`,
      { file: path },
    );
  }
}
