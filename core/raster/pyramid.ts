import { fromFile, type GeoTIFF, type GeoTIFFImage } from "geotiff";
import { InputError } from "../errors.ts";
import { type RasterInfo, readRasterInfo, type Window, windowInside } from "./read.ts";
import type { Grid } from "./types.ts";

/**
 * A COG opened with its overviews, for readers that want a view at some scale rather than the
 * full raster (map tiles): level 0 is the raster itself, level k its k-th overview, each with its
 * own grid. Reads decode only the blocks a window touches.
 */
export interface PyramidReader {
  /** The full-resolution header (grid, bands, nodata, ...). */
  info: RasterInfo;
  /** Grids of level 0 (the raster) and of each overview, finest first. */
  levels: Grid[];
  /** One band of a window of one level as Float32, the file's nodata as NaN. */
  readBand(level: number, window: Window, band?: number): Promise<Float32Array>;
  close(): void;
}

const NEW_SUBFILE_TYPE = 254;
/** NewSubfileType bit of a transparency mask (GDAL writes one per level for masked COGs). */
const MASK_BIT = 4;

export async function openPyramid(path: string): Promise<PyramidReader> {
  // The ordinary reader validates the header and the block extents; its errors name the file.
  const info = await readRasterInfo(path);
  const tiff = await fromFile(path);
  try {
    const images = await resolutionLevels(tiff);
    const levels = images.map((image) => levelGrid(info, image));
    return {
      info,
      levels,
      readBand: (level, window, band = 0) =>
        readLevelBand(path, info, images[level], levels[level], window, band),
      close: () => {
        tiff.close();
      },
    };
  } catch (error) {
    tiff.close();
    throw new InputError(`cannot read the overviews (${(error as Error).message})`, {
      file: path,
      cause: error,
    });
  }
}

/** The full-resolution image and its overviews, masks left out, finest first. */
async function resolutionLevels(tiff: GeoTIFF): Promise<GeoTIFFImage[]> {
  const count = await tiff.getImageCount();
  const images: GeoTIFFImage[] = [];
  for (let i = 0; i < count; i++) {
    const image = await tiff.getImage(i);
    const directory = image.getFileDirectory();
    const subfileType = directory.hasTag(NEW_SUBFILE_TYPE)
      ? Number(await directory.loadValue(NEW_SUBFILE_TYPE))
      : 0;
    if ((subfileType & MASK_BIT) === 0) images.push(image);
  }
  return images.sort((a, b) => b.getWidth() - a.getWidth());
}

/** An overview covers the raster's extent with fewer cells (as GDAL reads it): scale the transform. */
function levelGrid(info: RasterInfo, image: GeoTIFFImage): Grid {
  const width = image.getWidth();
  const height = image.getHeight();
  const sx = info.width / width;
  const sy = info.height / height;
  const [ox, px, rx, oy, ry, py] = info.transform;
  return { width, height, transform: [ox, px * sx, rx * sy, oy, ry * sx, py * sy], crs: info.crs };
}

async function readLevelBand(
  path: string,
  info: RasterInfo,
  image: GeoTIFFImage | undefined,
  grid: Grid | undefined,
  window: Window,
  band: number,
): Promise<Float32Array> {
  if (!image || !grid) throw new RangeError(`${path} has no level beyond ${info.overviewCount}`);
  if (!windowInside(window, grid.width, grid.height))
    throw new RangeError(`window outside level ${grid.width}x${grid.height} of ${path}`);
  if (!Number.isInteger(band) || band < 0 || band >= info.bandCount)
    throw new RangeError(`${path} has no band ${band}`);
  let samples: ArrayLike<number>;
  try {
    const result = await image.readRasters({
      window: [window.x0, window.y0, window.x0 + window.width, window.y0 + window.height],
      samples: [band],
      interleave: false,
    });
    samples = (result as unknown as ArrayLike<number>[])[0];
  } catch (error) {
    const reason = `cannot decode the pixels (${(error as Error).message}); the file may be truncated or corrupt`;
    throw new InputError(reason, { file: path, cause: error });
  }
  const out = new Float32Array(samples);
  const nodata = info.nodata;
  if (nodata !== null && !Number.isNaN(nodata)) {
    const stored = samples instanceof Float32Array ? Math.fround(nodata) : nodata;
    for (let i = 0; i < samples.length; i++) if (samples[i] === stored) out[i] = Number.NaN;
  }
  return out;
}
