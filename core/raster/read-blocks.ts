import { read } from "node:fs";
import { promisify } from "node:util";
import { type GeoTIFFImage, getDecoder } from "geotiff";
import type { RasterInfo, SampleType } from "./tiff-header.ts";
import type { SampleArray } from "./types.ts";

const readAsync = promisify(read);

/** A window in pixel coordinates (see read.ts). */
interface Window {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

type Samples = new (buffer: ArrayBufferLike | number, byteOffset?: number, length?: number) => SampleArray;

const ARRAY_OF: Record<SampleType, Samples> = {
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

/** Blocks whose bytes lie at most this far apart are fetched with one read (the gap is read too). */
const MAX_GAP_BYTES = 256 * 1024;
/** The most bytes one read fetches. */
const MAX_READ_BYTES = 64 * 1024 * 1024;

interface Block {
  /** Index into the requested bands. */
  band: number;
  bx: number;
  by: number;
  offset: number;
  bytes: number;
}

/**
 * Reads bands of a window: the file ranges holding the blocks it touches are read with as few
 * reads as their layout allows (one, for GDAL's contiguous strips), each block is decoded (or,
 * uncompressed, used in place) and its rows are copied with typed arrays. geotiff.js' readRasters
 * fetches and decodes block by block through its own promise machinery and reads every sample
 * through a DataView call, which made reading a DEM a large share of the terrain step. Covers
 * what GDAL writes for DEMs and other single-type rasters: little-endian, one band per pixel or
 * band-separate planes, no or LZW/DEFLATE compression with any predictor. Returns undefined for
 * anything else (the caller then uses geotiff.js' general path).
 */
export async function readBlocks(
  fd: number,
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
  const blocks = await blocksOf(image, bands, window, blockWidth, blockHeight);
  const decode = await blockDecoder(image, info, blockWidth, blockHeight);
  const { x0, y0, width, height } = window;
  const outputs = bands.map(() => new Samples(width * height));
  const copy = (block: Block, samples: SampleArray) => {
    const top = block.by * blockHeight;
    const left = block.bx * blockWidth;
    const rowFrom = Math.max(y0, top);
    const rowTo = Math.min(y0 + height, top + image.getBlockHeight(block.by));
    const colFrom = Math.max(x0, left);
    const colTo = Math.min(x0 + width, left + blockWidth);
    for (let row = rowFrom; row < rowTo; row++) {
      const source = (row - top) * blockWidth + (colFrom - left);
      outputs[block.band].set(
        samples.subarray(source, source + colTo - colFrom),
        (row - y0) * width + (colFrom - x0),
      );
    }
  };
  const jobs: Promise<void>[] = [];
  for (const range of rangesOf(blocks)) {
    const start = range[0].offset;
    const last = range[range.length - 1];
    const bytes = Buffer.allocUnsafe(last.offset + last.bytes - start);
    const { bytesRead } = await readAsync(fd, bytes, 0, bytes.length, start);
    if (bytesRead !== bytes.length)
      throw new Error(`block data at byte ${start} runs past the end of the file`);
    for (const block of range) {
      const data = bytes.subarray(block.offset - start, block.offset - start + block.bytes);
      // Decoded blocks of one read are inflated in parallel in libuv's thread pool.
      jobs.push(decode(data).then((samples) => copy(block, samples)));
    }
  }
  await Promise.all(jobs);
  for (const block of blocks) {
    if (block.bytes === 0) fillEmptyBlock(block, info, outputs, window, blockWidth, blockHeight, image);
  }
  return outputs;
}

/** The blocks a window touches, in file order, with where their bytes are. */
async function blocksOf(
  image: GeoTIFFImage,
  bands: number[],
  window: Window,
  blockWidth: number,
  blockHeight: number,
): Promise<Block[]> {
  const directory = image.fileDirectory;
  const offsets = (await directory.loadValue(
    image.isTiled ? "TileOffsets" : "StripOffsets",
  )) as ArrayLike<number>;
  const counts = (await directory.loadValue(
    image.isTiled ? "TileByteCounts" : "StripByteCounts",
  )) as ArrayLike<number>;
  const across = Math.ceil(image.getWidth() / blockWidth);
  const down = Math.ceil(image.getHeight() / blockHeight);
  const blocks: Block[] = [];
  const [firstX, lastX] = [
    Math.floor(window.x0 / blockWidth),
    Math.floor((window.x0 + window.width - 1) / blockWidth),
  ];
  const [firstY, lastY] = [
    Math.floor(window.y0 / blockHeight),
    Math.floor((window.y0 + window.height - 1) / blockHeight),
  ];
  bands.forEach((sample, band) => {
    const planeStart = image.planarConfiguration === 2 ? sample * across * down : 0;
    for (let by = firstY; by <= lastY; by++) {
      for (let bx = firstX; bx <= lastX; bx++) {
        const index = planeStart + by * across + bx;
        blocks.push({ band, bx, by, offset: Number(offsets[index]), bytes: Number(counts[index]) });
      }
    }
  });
  return blocks.sort((a, b) => a.offset - b.offset);
}

/** Blocks with data, grouped into ranges that one read each fetches. */
function rangesOf(blocks: Block[]): Block[][] {
  const ranges: Block[][] = [];
  let current: Block[] = [];
  for (const block of blocks) {
    if (block.bytes === 0) continue;
    const first = current[0];
    const last = current[current.length - 1];
    const joins =
      first !== undefined &&
      block.offset - (last.offset + last.bytes) <= MAX_GAP_BYTES &&
      block.offset >= last.offset + last.bytes &&
      block.offset + block.bytes - first.offset <= MAX_READ_BYTES;
    if (!joins && current.length > 0) {
      ranges.push(current);
      current = [];
    }
    current.push(block);
  }
  if (current.length > 0) ranges.push(current);
  return ranges;
}

/**
 * Bytes of one block to its samples: in place for uncompressed data without predictor (copied
 * when misaligned for the sample type), else through geotiff.js' decoder (ours for LZW and
 * DEFLATE, see decoders.ts), which also undoes the predictor.
 */
async function blockDecoder(
  image: GeoTIFFImage,
  info: RasterInfo,
  blockWidth: number,
  blockHeight: number,
): Promise<(data: Buffer) => Promise<SampleArray>> {
  const Samples = ARRAY_OF[info.sampleType];
  const bytesPerSample = (Samples as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const view = (buffer: ArrayBufferLike, byteOffset: number, byteLength: number) =>
    byteOffset % bytesPerSample === 0
      ? new Samples(buffer, byteOffset, Math.floor(byteLength / bytesPerSample))
      : new Samples(buffer.slice(byteOffset, byteOffset + byteLength));
  if (info.compression === 1 && info.predictor === 1)
    return async (data) => view(data.buffer, data.byteOffset, data.byteLength);
  const decoder = await getDecoder(info.compression, {
    tileWidth: blockWidth,
    tileHeight: blockHeight,
    planarConfiguration: image.planarConfiguration,
    bitsPerSample: image.fileDirectory.getValue("BitsPerSample"),
    predictor: info.predictor,
  } as never);
  return async (data) => {
    const own = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    const decoded = (await decoder.decode(own)) as ArrayBuffer;
    return view(decoded, 0, decoded.byteLength);
  };
}

/** A block the file leaves out (byte count 0) reads as nodata, as GDAL reads it. */
function fillEmptyBlock(
  block: Block,
  info: RasterInfo,
  outputs: SampleArray[],
  window: Window,
  blockWidth: number,
  blockHeight: number,
  image: GeoTIFFImage,
): void {
  const fill = info.nodata ?? 0;
  const top = block.by * blockHeight;
  const left = block.bx * blockWidth;
  const colFrom = Math.max(window.x0, left);
  const colTo = Math.min(window.x0 + window.width, left + blockWidth);
  const rowTo = Math.min(window.y0 + window.height, top + image.getBlockHeight(block.by));
  for (let row = Math.max(window.y0, top); row < rowTo; row++) {
    const at = (row - window.y0) * window.width;
    outputs[block.band].fill(fill, at + colFrom - window.x0, at + colTo - window.x0);
  }
}
