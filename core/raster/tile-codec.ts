import { promisify } from "node:util";
import { constants, deflate } from "node:zlib";
import { deflatePlanes, deflatePlanesBound } from "./plane-deflate.ts";
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
  /** Columns holding the raster's cells in a tile at its right edge (the rest is padding); default all. */
  columns?: number;
}

/**
 * Applies the TIFF predictor to one tile and deflates it. The predictor runs synchronously, before
 * this function first yields, so the caller may reuse `source.data` as soon as it has called it;
 * zlib's async deflate then runs in libuv's thread pool, so tiles compressed concurrently use
 * every core.
 */
export async function encodeTile(
  source: TileSource,
  size: number,
  level: number,
  strategy: DeflateStrategy = "default",
  arena?: TileArena,
): Promise<Buffer> {
  const layout = sampleLayoutOf(source.data);
  const bytes =
    layout.predictor !== 3
      ? horizontalPredictor(source, size)
      : layout.bytes === 4
        ? size % 4 === 0
          ? float32PredictorWords(source, size)
          : float32Predictor(source, size)
        : floatingPointPredictor(source, size, layout.bytes);
  if (strategy === "planes" && layout.predictor === 3) {
    try {
      // Each plane of each row is one segment: `size` samples of one byte.
      const columns = source.columns ?? size;
      if (!arena) return deflatePlanes(bytes, size, layout.bytes, undefined, columns);
      const into = arena.reserve(deflatePlanesBound(bytes.length, size));
      const encoded = deflatePlanes(bytes, size, layout.bytes, into, columns);
      arena.advance(encoded.length);
      return encoded;
    } finally {
      releaseScratch(bytes);
    }
  }
  // One output chunk big enough for the whole tile: zlib then needs a single thread-pool round trip.
  try {
    return await deflateAsync(bytes, {
      level,
      strategy: strategy === "default" ? constants.Z_DEFAULT_STRATEGY : constants.Z_RLE,
      chunkSize: bytes.byteLength + 1024,
    });
  } finally {
    releaseScratch(bytes);
  }
}

/**
 * Where the planes encoder writes compressed tiles that are kept in memory: chunks of a few MiB,
 * each tile a view of its chunk, instead of a fresh buffer (and a copy) per tile.
 */
export class TileArena {
  private chunk: Buffer = Buffer.alloc(0);
  private used = 0;
  private readonly chunks = new Set<ArrayBufferLike>();

  /** `onChunk(bytes)` is told of every chunk made, for the caller's memory accounting. */
  constructor(
    private readonly onChunk: (bytes: number) => void,
    private readonly chunkBytes = 4 * 1024 * 1024,
  ) {}

  /** At least `bytes` of writable space at the end of the current chunk (a new one if needed). */
  reserve(bytes: number): Buffer {
    if (this.chunk.length - this.used < bytes) {
      this.chunk = Buffer.allocUnsafe(Math.max(this.chunkBytes, bytes));
      this.chunks.add(this.chunk.buffer);
      this.used = 0;
      this.onChunk(this.chunk.length);
    }
    return this.chunk.subarray(this.used);
  }

  /** The last reservation's first `bytes` are taken. */
  advance(bytes: number): void {
    this.used += bytes;
  }

  /** Whether `data` lies in one of this arena's chunks. */
  holds(data: Uint8Array): boolean {
    return this.chunks.has(data.buffer);
  }
}

/**
 * Predicted tiles waiting to be deflated, recycled: a fresh 256 KiB (or 1 MiB) array per tile
 * makes the garbage collector a large share of the encoding time.
 */
const scratchPool: ArrayBuffer[] = [];
const SCRATCH_POOL_MAX = 64;

function scratchBuffer(byteLength: number): ArrayBuffer {
  const index = scratchPool.findIndex((buffer) => buffer.byteLength === byteLength);
  return index >= 0 ? (scratchPool.splice(index, 1)[0] as ArrayBuffer) : new ArrayBuffer(byteLength);
}

function releaseScratch(bytes: Uint8Array): void {
  if (scratchPool.length < SCRATCH_POOL_MAX) scratchPool.push(bytes.buffer as ArrayBuffer);
}

/**
 * How tiles are deflated: zlib's "default" strategy (LZ77 matches + Huffman) or its "rle"
 * (matches at distance 1 only: 2-3 times faster at level 1; on predicted noisy Float32 such as
 * slopes and curvatures the tiles come out about 1 % larger), both in libuv's thread pool; or
 * "planes" (plane-deflate.ts: runs coded, noisy byte planes stored; on predicted float tiles 2-5
 * times faster than "rle" again, in the calling thread, for tiles 4-6 % larger; other samples
 * fall back to "rle"). Each is a standard deflate stream (TIFF compression 8).
 */
export type DeflateStrategy = "default" | "rle" | "planes";

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

/**
 * The same bytes as float32Predictor, 4 samples at a time (tile sizes divisible by 4): the 4x4
 * bytes of 4 samples are transposed into one 32-bit word per byte plane, and each plane word is
 * differenced bytewise (no borrow across bytes) against itself shifted by one byte, with the
 * previous word's last byte (or the previous plane's last byte) shifted in.
 */
function float32PredictorWords(source: TileSource, size: number): Uint8Array {
  const { data, offset, stride } = source;
  const words = new Uint32Array(data.buffer, data.byteOffset, data.length);
  // Every word is written below, so a recycled buffer needs no clearing.
  const out = new Uint32Array(scratchBuffer(size * size * 4));
  // Row by row: a short function called often is optimised with all its feedback (see foldRow in
  // core/terrain/accumulate.ts).
  for (let row = 0; row < size; row++)
    predictRowWords(words, offset + row * stride, out, row * size, size >> 2);
  return new Uint8Array(out.buffer);
}

/**
 * One row of float32PredictorWords: the samples at words[base ..] into out[at ..], plane p of the
 * row starting at word at + p * quarter (byte (at + p * quarter) * 4).
 */
function predictRowWords(
  words: Uint32Array,
  base: number,
  out: Uint32Array,
  at: number,
  quarter: number,
): void {
  const w1 = at + quarter;
  const w2 = w1 + quarter;
  const w3 = w2 + quarter;
  const last = words[base + 4 * quarter - 1];
  // The byte before each plane's first byte: none (0) for the most significant plane, else the
  // last byte of the plane before it.
  let prev0 = 0;
  let prev1 = last >>> 24;
  let prev2 = (last >>> 16) & 0xff;
  let prev3 = (last >>> 8) & 0xff;
  for (let q = 0; q < quarter; q++) {
    const i = base + 4 * q;
    const a = words[i];
    const b = words[i + 1];
    const c = words[i + 2];
    const d = words[i + 3];
    const abEven = (a & 0x00ff00ff) | ((b & 0x00ff00ff) << 8);
    const abOdd = ((a >>> 8) & 0x00ff00ff) | (b & 0xff00ff00);
    const cdEven = (c & 0x00ff00ff) | ((d & 0x00ff00ff) << 8);
    const cdOdd = ((c >>> 8) & 0x00ff00ff) | (d & 0xff00ff00);
    const plane3 = (abEven & 0xffff) | (cdEven << 16); // least significant bytes
    const plane2 = (abOdd & 0xffff) | (cdOdd << 16);
    const plane1 = (abEven >>> 16) | (cdEven & 0xffff0000);
    const plane0 = (abOdd >>> 16) | (cdOdd & 0xffff0000); // most significant bytes
    out[at + q] = subtractBytes(plane0, (plane0 << 8) | prev0);
    out[w1 + q] = subtractBytes(plane1, (plane1 << 8) | prev1);
    out[w2 + q] = subtractBytes(plane2, (plane2 << 8) | prev2);
    out[w3 + q] = subtractBytes(plane3, (plane3 << 8) | prev3);
    prev0 = plane0 >>> 24;
    prev1 = plane1 >>> 24;
    prev2 = plane2 >>> 24;
    prev3 = plane3 >>> 24;
  }
}

/** Byte-wise x - y (mod 256 in each byte, no borrow between bytes; Hacker's Delight 2-18). */
function subtractBytes(x: number, y: number): number {
  return ((x | 0x80808080) - (y & 0x7f7f7f7f)) ^ ((x ^ ~y) & 0x80808080);
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
