import { promisify } from "node:util";
import { inflate } from "node:zlib";
import { addDecoder, BaseDecoder } from "geotiff";

const inflateAsync = promisify(inflate);

/**
 * DEFLATE through node:zlib instead of geotiff.js' pure-JS pako: native speed, and async, so the
 * blocks of one read are inflated in parallel in libuv's thread pool.
 */
class ZlibDecoder extends BaseDecoder {
  override async decodeBlock(buffer: ArrayBufferLike): Promise<ArrayBufferLike> {
    const out = await inflateAsync(new Uint8Array(buffer));
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }
}

/** TIFF LZW (MSB-first codes of 9 to 12 bits, "early change") on typed arrays; geotiff.js' is slow. */
class LzwDecoder extends BaseDecoder {
  override decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    const { tileWidth, tileHeight, bitsPerSample, planarConfiguration } = this.parameters;
    const bits = typeof bitsPerSample === "number" ? [bitsPerSample] : Array.from(bitsPerSample);
    const bitsPerPixel = planarConfiguration === 2 ? bits[0] : bits.reduce((a, b) => a + b, 0);
    const decoded = decodeLzw(new Uint8Array(buffer), Math.ceil((tileWidth * tileHeight * bitsPerPixel) / 8));
    return decoded.buffer.slice(decoded.byteOffset, decoded.byteOffset + decoded.byteLength);
  }
}

const CLEAR = 256;
const END_OF_INFORMATION = 257;
const FIRST_FREE = 258;
const TABLE_SIZE = 4096;

export function decodeLzw(input: Uint8Array, expectedBytes: number): Uint8Array {
  const prefix = new Uint16Array(TABLE_SIZE);
  const suffix = new Uint8Array(TABLE_SIZE);
  const first = new Uint8Array(TABLE_SIZE);
  const lengths = new Uint16Array(TABLE_SIZE);
  for (let i = 0; i < 256; i++) {
    suffix[i] = i;
    first[i] = i;
    lengths[i] = 1;
  }
  let out = new Uint8Array(Math.max(expectedBytes, 1));
  let position = 0;
  let bitPosition = 0;
  const totalBits = input.length * 8;
  let width = 9;
  let next = FIRST_FREE;
  let previous = -1;
  while (bitPosition + width <= totalBits) {
    const byte = bitPosition >>> 3;
    const window24 = (input[byte] << 16) | ((input[byte + 1] ?? 0) << 8) | (input[byte + 2] ?? 0);
    const code = (window24 >>> (24 - (bitPosition & 7) - width)) & ((1 << width) - 1);
    bitPosition += width;
    if (code === END_OF_INFORMATION) break;
    if (code === CLEAR) {
      width = 9;
      next = FIRST_FREE;
      previous = -1;
      continue;
    }
    if (previous >= 0 && next < TABLE_SIZE) {
      // The new entry is the previous string plus the first byte of this one; when this code is
      // the entry being defined (the KwKwK case), that first byte is the previous string's.
      if (code > next) throw new Error(`LZW code ${code} is not in the table (next free ${next})`);
      prefix[next] = previous;
      suffix[next] = code === next ? first[previous] : first[code];
      first[next] = first[previous];
      lengths[next] = lengths[previous] + 1;
      next++;
      // Early change: the code width grows one code before the table fills the current width.
      if (next >= (1 << width) - 1 && width < 12) width++;
    } else if (code >= 256 && previous < 0) {
      throw new Error(`LZW stream starts with code ${code} instead of a literal`);
    }
    const length = lengths[code];
    if (position + length > out.length) {
      const grown = new Uint8Array(Math.max(out.length * 2, position + length));
      grown.set(out);
      out = grown;
    }
    let entry = code;
    for (let k = position + length - 1; k >= position; k--) {
      out[k] = suffix[entry];
      entry = prefix[entry];
    }
    position += length;
    previous = code;
  }
  return out.subarray(0, position);
}

let registered = false;

/** Makes geotiff.js use the decoders above for DEFLATE (8, 32946) and LZW (5). */
export function registerFastDecoders(): void {
  if (registered) return;
  registered = true;
  addDecoder([8, 32946], async () => ZlibDecoder as unknown as typeof BaseDecoder);
  addDecoder(5, async () => LzwDecoder as unknown as typeof BaseDecoder);
}
