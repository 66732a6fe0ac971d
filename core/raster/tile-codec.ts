import { promisify } from "node:util";
import { deflate } from "node:zlib";
import type { SampleArray } from "./types.ts";

const deflateAsync = promisify(deflate);

/** The TIFF description of a typed array's samples. */
export interface SampleLayout {
  bytes: number;
  /** TIFF SampleFormat: 1 unsigned, 2 signed, 3 IEEE float. */
  format: 1 | 2 | 3;
  /** TIFF Predictor used when writing: 3 (floating point) for floats, 2 (horizontal) for integers. */
  predictor: 2 | 3;
}

export type SampleConstructor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor;

export function sampleLayoutOf(array: SampleArray): SampleLayout {
  const float = array instanceof Float32Array || array instanceof Float64Array;
  const signed = array instanceof Int8Array || array instanceof Int16Array || array instanceof Int32Array;
  return { bytes: array.BYTES_PER_ELEMENT, format: float ? 3 : signed ? 2 : 1, predictor: float ? 3 : 2 };
}

/**
 * One tile of `size` x `size` samples inside a larger row-major array: sample (row, col) of the
 * tile is `data[offset + row * stride + col]`. A cut-out tile is `{ data: tile, offset: 0, stride: size }`.
 */
export interface TileSource {
  data: SampleArray;
  offset: number;
  stride: number;
}

/**
 * Applies the TIFF predictor to one tile and deflates it. The predictor runs synchronously, before
 * this function first yields, so the caller may reuse `source.data` as soon as it has called it;
 * zlib's async deflate then runs in libuv's thread pool, so tiles compressed concurrently use
 * every core.
 */
export async function encodeTile(source: TileSource, size: number, level: number): Promise<Buffer> {
  const layout = sampleLayoutOf(source.data);
  const bytes =
    layout.predictor !== 3
      ? horizontalPredictor(source, size)
      : layout.bytes === 4
        ? float32Predictor(source, size)
        : floatingPointPredictor(source, size, layout.bytes);
  // One output chunk big enough for the whole tile: zlib then needs a single thread-pool round trip.
  return deflateAsync(bytes, { level, chunkSize: bytes.byteLength + 1024 });
}

/**
 * TIFF predictor 3 (Adobe technical note 3): each row's samples are split into byte planes, most
 * significant byte first regardless of the file's byte order, then the row's bytes are differenced.
 */
function floatingPointPredictor(source: TileSource, size: number, bytesPerSample: number): Uint8Array {
  const { data, offset, stride } = source;
  const input = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(size * size * bytesPerSample);
  const rowBytes = size * bytesPerSample;
  for (let row = 0; row < size; row++) {
    const rowStart = row * rowBytes;
    for (let i = 0; i < size; i++) {
      const sampleStart = (offset + row * stride + i) * bytesPerSample;
      // Little-endian CPU (checked at import below): byte b of a sample is its b-th least significant.
      for (let b = 0; b < bytesPerSample; b++)
        out[rowStart + (bytesPerSample - 1 - b) * size + i] = input[sampleStart + b];
    }
    for (let k = rowStart + rowBytes - 1; k > rowStart; k--) out[k] = out[k] - out[k - 1];
  }
  return out;
}

/**
 * Predictor 3 for Float32 in one pass with one 32-bit read per sample (the common case, several
 * times faster than the general version): byte p of sample i minus byte p of sample i-1, and the
 * first byte of plane p minus the last byte of plane p-1 (the row's bytes are differenced as one run).
 */
function float32Predictor(source: TileSource, size: number): Uint8Array {
  const { data, offset, stride } = source;
  const words = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const out = new Uint8Array(size * size * 4);
  for (let row = 0; row < size; row++) {
    const base = offset + row * stride;
    const p0 = row * size * 4;
    const p1 = p0 + size;
    const p2 = p1 + size;
    const p3 = p2 + size;
    const last = words[base + size - 1];
    let previous = words[base];
    out[p0] = previous >>> 24;
    out[p1] = ((previous >>> 16) & 0xff) - (last >>> 24);
    out[p2] = ((previous >>> 8) & 0xff) - ((last >>> 16) & 0xff);
    out[p3] = (previous & 0xff) - ((last >>> 8) & 0xff);
    for (let i = 1; i < size; i++) {
      const v = words[base + i];
      out[p0 + i] = (v >>> 24) - (previous >>> 24);
      out[p1 + i] = ((v >>> 16) & 0xff) - ((previous >>> 16) & 0xff);
      out[p2 + i] = ((v >>> 8) & 0xff) - ((previous >>> 8) & 0xff);
      out[p3 + i] = (v & 0xff) - (previous & 0xff);
      previous = v;
    }
  }
  return out;
}

/** TIFF predictor 2: each sample minus its left neighbour, in the sample's own type (wrapping). */
function horizontalPredictor(source: TileSource, size: number): Uint8Array {
  const { data, offset, stride } = source;
  const Sample = data.constructor as new (length: number) => SampleArray;
  const out = new Sample(size * size);
  for (let row = 0; row < size; row++) {
    const from = offset + row * stride;
    const to = row * size;
    out[to] = data[from];
    for (let i = 1; i < size; i++) out[to + i] = data[from + i] - data[from + i - 1];
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error(
    "core/raster writes little-endian TIFFs from native typed arrays and needs a little-endian CPU",
  );
}
