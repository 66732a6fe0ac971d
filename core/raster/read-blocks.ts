import { type GeoTIFFImage, getDecoder } from "geotiff";
import type { RasterInfo, SampleType } from "./tiff-header.ts";
import type { SampleArray } from "./types.ts";

/** A window in pixel coordinates (see read.ts). */
interface Window {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

const ARRAY_OF: Record<SampleType, new (buffer: ArrayBufferLike | number) => SampleArray> = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/**
 * Compressions whose geotiff.js decoder takes the default parameters (block size, bits,
 * predictor): none, LZW and DEFLATE (the last two decoded by decoders.ts).
 */
const PLAIN_COMPRESSIONS = new Set([1, 5, 8, 32946]);

/**
 * Reads bands of a window by decoding each block it touches and copying its rows with typed
 * arrays: geotiff.js' readRasters reads every sample through a DataView call, which made reading
 * a DEM a large share of the terrain step. Covers what GDAL writes for DEMs and other single-type
 * rasters: little-endian, one band per pixel or band-separate planes, no or LZW/DEFLATE
 * compression with any predictor. Returns undefined for anything else (the caller then uses
 * geotiff.js' general path).
 */
export async function readBlocks(
  image: GeoTIFFImage,
  info: RasterInfo,
  bands: number[],
  window: Window,
): Promise<SampleArray[] | undefined> {
  const interleaved = info.bandCount > 1 && image.planarConfiguration !== 2;
  if (!image.littleEndian || interleaved || !PLAIN_COMPRESSIONS.has(info.compression)) return undefined;
  const Samples = ARRAY_OF[info.sampleType];
  const blockWidth = image.getTileWidth();
  const blockHeight = image.getTileHeight();
  const decoder = await getDecoder(info.compression, {
    tileWidth: blockWidth,
    tileHeight: blockHeight,
    planarConfiguration: image.planarConfiguration,
    bitsPerSample: image.fileDirectory.getValue("BitsPerSample"),
    predictor: info.predictor,
  } as never);
  const { x0, y0, width, height } = window;
  const outputs = bands.map(() => new Samples(width * height));
  const jobs: Promise<void>[] = [];
  const [firstX, lastX] = [Math.floor(x0 / blockWidth), Math.floor((x0 + width - 1) / blockWidth)];
  const [firstY, lastY] = [Math.floor(y0 / blockHeight), Math.floor((y0 + height - 1) / blockHeight)];
  bands.forEach((band, b) => {
    for (let by = firstY; by <= lastY; by++) {
      for (let bx = firstX; bx <= lastX; bx++) {
        // Every block of the window is requested at once: file reads and inflates run in libuv's pool.
        const job = image.getTileOrStrip(bx, by, band, decoder).then(({ data }) => {
          const block = new Samples(data as ArrayBuffer);
          const top = by * blockHeight;
          const left = bx * blockWidth;
          const rowFrom = Math.max(y0, top);
          const rowTo = Math.min(y0 + height, top + image.getBlockHeight(by));
          const colFrom = Math.max(x0, left);
          const colTo = Math.min(x0 + width, left + blockWidth);
          for (let row = rowFrom; row < rowTo; row++) {
            const source = (row - top) * blockWidth + (colFrom - left);
            outputs[b].set(
              block.subarray(source, source + colTo - colFrom),
              (row - y0) * width + (colFrom - x0),
            );
          }
        });
        jobs.push(job);
      }
    }
  });
  await Promise.all(jobs);
  return outputs;
}
