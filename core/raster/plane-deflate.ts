/**
 * A zlib stream (RFC 1950/1951, what TIFF calls Deflate, compression 8) for tiles that went
 * through the floating-point predictor, written by hand for speed.
 *
 * After predictor 3 a Float32 tile is, row by row, four planes of bytes: the sign and exponent
 * (most significant), then three planes of mantissa bytes. On terrain and most physical fields
 * the first plane (and any plane of a flat or nodata row) is long runs of the same byte, and the
 * low mantissa planes are noise that no deflate setting compresses (zlib level 1 saves < 2 % on
 * them, for most of its time). So each plane of each row is either run-length coded with the
 * fixed Huffman codes (a run is a match at distance 1) when that is smaller, or copied as a
 * stored block. The choice per plane is exact: the coded size of the runs is counted first.
 *
 * On the benchmark DEMs' slopes and aspects the tiles come out smaller than zlib level 1 makes
 * them (its Huffman codes gain little on the noisy planes, the runs gain more); on curvatures a
 * few percent larger; and it runs several times faster than zlib level 1 with the RLE strategy,
 * synchronously, without the thread-pool round trip. Any inflate reads it.
 */

/** Fixed-Huffman literal/length codes (RFC 1951 3.2.6), bit-reversed for LSB-first output. */
const FIXED_CODE = new Uint16Array(288);
const FIXED_BITS = new Uint8Array(288);
/** Length 3..258 -> code symbol, extra bits value and count. */
const LENGTH_SYMBOL = new Uint16Array(259);
const LENGTH_EXTRA = new Uint8Array(259);
const LENGTH_EXTRA_BITS = new Uint8Array(259);

function reverseBits(code: number, bits: number): number {
  let reversed = 0;
  for (let i = 0; i < bits; i++) reversed |= ((code >> i) & 1) << (bits - 1 - i);
  return reversed;
}

for (let symbol = 0; symbol < 288; symbol++) {
  const [base, bits, first] =
    symbol < 144
      ? [0x30, 8, 0]
      : symbol < 256
        ? [0x190, 9, 144]
        : symbol < 280
          ? [0, 7, 256]
          : [0xc0, 8, 280];
  FIXED_CODE[symbol] = reverseBits(base + symbol - first, bits);
  FIXED_BITS[symbol] = bits;
}
{
  const bases = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
    227, 258,
  ];
  const extras = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  for (let code = 0; code < bases.length; code++) {
    const top = code + 1 < bases.length ? bases[code + 1] : 259;
    // Length 258 has its own code (285); code 284's range stops at 257.
    for (let length = bases[code]; length < Math.min(top, code === 27 ? 258 : 259); length++) {
      LENGTH_SYMBOL[length] = 257 + code;
      LENGTH_EXTRA[length] = length - bases[code];
      LENGTH_EXTRA_BITS[length] = extras[code];
    }
  }
}
/** A whole run of `n` bytes at distance 1 as one code: length code, its extra bits, distance code 0 (5 bits). */
const MATCH_CODE = new Uint32Array(259);
const MATCH_BITS = new Uint8Array(259);
for (let run = 3; run <= 258; run++) {
  const symbol = LENGTH_SYMBOL[run];
  MATCH_CODE[run] = FIXED_CODE[symbol] | (LENGTH_EXTRA[run] << FIXED_BITS[symbol]);
  MATCH_BITS[run] = FIXED_BITS[symbol] + LENGTH_EXTRA_BITS[run] + 5;
}
const END_OF_BLOCK = 256;
const MAX_STORED = 65535;
const MAX_RUN = 258;

/** Output bytes, a bit accumulator for the Huffman-coded parts, and the open stored block. */
class Writer {
  pos = 2;
  bits = 0;
  bitCount = 0;
  /** Byte offset of the open stored block's LEN field, or -1. */
  storedAt = -1;
  storedLength = 0;
  /** Whether a fixed-Huffman block is open. */
  fixedOpen = false;

  constructor(readonly out: Uint8Array) {
    out[0] = 0x78; // deflate, 32 KiB window
    out[1] = 0x01; // fastest; (0x78 * 256 + 0x01) % 31 === 0
  }

  put(value: number, count: number): void {
    this.bits |= value << this.bitCount;
    this.bitCount += count;
    while (this.bitCount >= 8) {
      this.out[this.pos++] = this.bits & 0xff;
      this.bits >>>= 8;
      this.bitCount -= 8;
    }
  }

  closeBlock(): void {
    if (this.fixedOpen) {
      this.put(FIXED_CODE[END_OF_BLOCK], FIXED_BITS[END_OF_BLOCK]);
      this.fixedOpen = false;
    } else if (this.storedAt >= 0) {
      const length = this.storedLength;
      this.out[this.storedAt] = length & 0xff;
      this.out[this.storedAt + 1] = length >>> 8;
      this.out[this.storedAt + 2] = ~length & 0xff;
      this.out[this.storedAt + 3] = (~length >>> 8) & 0xff;
      this.storedAt = -1;
    }
  }

  stored(bytes: Uint8Array, start: number, end: number): void {
    while (start < end) {
      if (this.storedAt < 0 || this.storedLength === MAX_STORED) {
        this.closeBlock();
        this.put(0b000, 3); // not final, stored
        if (this.bitCount > 0) this.put(0, 8 - this.bitCount); // to the byte boundary
        this.storedAt = this.pos;
        this.storedLength = 0;
        this.pos += 4;
      }
      const take = Math.min(end - start, MAX_STORED - this.storedLength);
      this.out.set(bytes.subarray(start, start + take), this.pos);
      this.pos += take;
      this.storedLength += take;
      start += take;
    }
  }

  /**
   * Literals and runs (matches at distance 1) with the fixed codes. `words` views `bytes`; runs
   * are followed a word at a time where aligned. The bit accumulator lives in locals here: this
   * loop is the encoder's hottest.
   */
  runLengthCoded(bytes: Uint8Array, words: Uint32Array, start: number, end: number): void {
    if (!this.fixedOpen) {
      this.closeBlock();
      this.put(0b010, 3); // not final, fixed Huffman
      this.fixedOpen = true;
    }
    const out = this.out;
    let pos = this.pos;
    let bits = this.bits;
    let count = this.bitCount;
    let previous = start > 0 ? bytes[start - 1] : -1;
    let i = start;
    while (i < end) {
      const value = bytes[i];
      let code: number;
      let length: number;
      const run = value === previous ? runLength(bytes, words, i, Math.min(end, i + MAX_RUN)) : 0;
      if (run >= 3) {
        code = MATCH_CODE[run];
        length = MATCH_BITS[run];
        i += run;
      } else {
        code = FIXED_CODE[value];
        length = FIXED_BITS[value];
        previous = value;
        i++;
      }
      // At most 7 bits wait in the accumulator, so a code of up to 18 bits fits in 32.
      bits |= code << count;
      count += length;
      while (count >= 8) {
        out[pos++] = bits & 0xff;
        bits >>>= 8;
        count -= 8;
      }
    }
    this.pos = pos;
    this.bits = bits;
    this.bitCount = count;
  }

  finish(adler: number): Uint8Array {
    this.closeBlock();
    this.put(0b011, 3); // final, fixed Huffman, empty
    this.put(FIXED_CODE[END_OF_BLOCK], FIXED_BITS[END_OF_BLOCK]);
    if (this.bitCount > 0) this.put(0, 8 - this.bitCount);
    this.out[this.pos++] = adler >>> 24;
    this.out[this.pos++] = (adler >>> 16) & 0xff;
    this.out[this.pos++] = (adler >>> 8) & 0xff;
    this.out[this.pos++] = adler & 0xff;
    return this.out.subarray(0, this.pos);
  }
}

/** How many bytes from `i` (before `limit`) equal the byte before `i` (i > 0). */
function runLength(bytes: Uint8Array, words: Uint32Array, i: number, limit: number): number {
  const value = bytes[i - 1];
  let j = i;
  while (j < limit && (j & 3) !== 0 && bytes[j] === value) j++;
  if ((j & 3) === 0) {
    const word = Math.imul(value, 0x01010101) >>> 0;
    while (j + 4 <= limit && words[j >> 2] === word) j += 4;
  }
  while (j < limit && bytes[j] === value) j++;
  return j - i;
}

/**
 * About how many bits coding `bytes[start, end)` with runs saves over storing it (negative: it
 * costs more), four bytes at a time (`words` views the same memory; start and end are multiples
 * of 4). With R bytes equal to the byte before them, in runs whose count is R - T (T: bytes whose
 * previous byte is also such a byte), coding every run as a match saves 8 bits a byte less ~15
 * bits a match, 8R - 15(R - T), and each of the G literals of 144 or more costs a 9th bit.
 * Runs of 1 or 2 bytes are really left as literals and high bytes inside runs cost nothing, so
 * this undercounts a little, which only errs towards storing. Branch-free: on noise every
 * comparison would be a coin toss for the branch predictor.
 */
function runLengthSaving(words: Uint32Array, bytes: Uint8Array, start: number, end: number): number {
  let previousByte = start > 0 ? bytes[start - 1] : ~bytes[0] & 0xff;
  let previousRepeated = 0; // 0x80 if the byte before this word repeated its own predecessor
  let repeated = 0;
  let repeatedTwice = 0;
  let high = 0;
  for (let w = start >> 2; w < end >> 2; w++) {
    const word = words[w];
    const difference = word ^ ((word << 8) | previousByte); // byte k: byte k xor byte k-1 (little-endian)
    // High bit of each zero byte of `difference` (Hacker's Delight 6-1): a repeated byte.
    const same = ~(((difference & 0x7f7f7f7f) + 0x7f7f7f7f) | difference | 0x7f7f7f7f);
    const twice = same & ((same << 8) | previousRepeated);
    repeated += Math.imul(same >>> 7, 0x01010101) >>> 24;
    repeatedTwice += Math.imul(twice >>> 7, 0x01010101) >>> 24;
    // Bytes >= 144: high bit set and low 7 bits >= 16.
    const ninthBit = word & ((word & 0x7f7f7f7f) + 0x70707070) & 0x80808080;
    high += Math.imul(ninthBit >>> 7, 0x01010101) >>> 24;
    previousByte = word >>> 24;
    previousRepeated = (same >>> 24) & 0x80;
  }
  return 15 * repeatedTwice - 7 * repeated - high;
}

/** Opening a block costs its header and the previous block's end: ~48 bits for a stored one (length, padding). */
const SWITCH_BITS = 48;

/** Rows apart at which a plane is sampled to tell whether it is noise throughout the tile. */
const SAMPLE_EVERY = 8;

/** How a plane is handled in every row of a tile, from the sampled rows. */
const STORE = 0; // noise in every sampled row (the low mantissa bytes, almost always)
const CODE = 1; // runs worth coding in every sampled row (the sign and exponent bytes of most fields)
const CHECK = 2; // mixed: each row is looked at

/**
 * Compresses `bytes` (rows of `planes` planes of `segment` bytes each, as the floating-point
 * predictor lays them out) into a zlib stream, written into `into` (at least deflatePlanesBound
 * bytes) when given. Each plane of each row is run-length coded when that saves more than a block
 * switch costs, and stored otherwise. Every SAMPLE_EVERY-th row tells how each plane goes: one
 * that is noise in all of them is stored, one that saves well in all of them is coded, without
 * looking at their other rows (at worst a few rows are stored that coding would have shrunk, or
 * the other way round: a bigger file, never a wrong one); only mixed planes are checked row by
 * row. In a tile at the raster's right edge only the first `columns` bytes of each plane are
 * the raster's: the padding after them (a run) is always coded, apart from the plane's own choice.
 */
export function deflatePlanes(
  bytes: Uint8Array,
  segment: number,
  planes = 1,
  into?: Buffer,
  columns = segment,
): Buffer {
  const bound = deflatePlanesBound(bytes.length, segment);
  if (into && into.length < bound)
    throw new RangeError(`deflatePlanes: ${into.length} bytes given, ${bound} needed`);
  if (bytes.byteOffset % 4 !== 0 || segment % 4 !== 0 || bytes.length % (segment * planes) !== 0)
    throw new Error("deflatePlanes: rows of whole planes of whole 32-bit words expected");
  const writer = new Writer(into ?? outputScratch(bound));
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
  const rowBytes = segment * planes;
  // The planes' own parts end on a word (the padding's first word is then coded with it).
  const own = Math.min(segment, Math.ceil(columns / 4) * 4);
  const modes = planeModes(words, bytes, segment, planes, own);
  // Consecutive stored parts are copied in one go.
  let storedFrom = 0;
  let storedTo = 0;
  const store = (start: number, end: number) => {
    if (storedTo !== start) storedFrom = start;
    storedTo = end;
  };
  const code = (start: number, end: number) => {
    if (storedTo > storedFrom) writer.stored(bytes, storedFrom, storedTo);
    storedFrom = storedTo = end;
    writer.runLengthCoded(bytes, words, start, end);
  };
  for (let start = 0; start < bytes.length; start += segment) {
    const end = start + own;
    const mode = modes[(start % rowBytes) / segment];
    let coded = mode === CODE;
    if (mode === CHECK) {
      // Coding pays for a new block unless one is open; so does storing.
      const storing = storedTo > storedFrom || writer.storedAt >= 0;
      const switchCost = (writer.fixedOpen ? 0 : SWITCH_BITS) - (storing ? 0 : SWITCH_BITS);
      coded = runLengthSaving(words, bytes, start, end) > switchCost;
    }
    if (coded) code(start, end);
    else store(start, end);
    if (own < segment) code(end, start + segment);
  }
  if (storedTo > storedFrom) writer.stored(bytes, storedFrom, storedTo);
  const stream = writer.finish(adler32(bytes));
  // Written into the caller's buffer: a view of it. Into the scratch, reused by the next call: a copy.
  return into ? into.subarray(0, stream.length) : Buffer.from(stream);
}

/** STORE, CODE or CHECK for each plane, from the savings of its own part in the sampled rows. */
function planeModes(
  words: Uint32Array,
  bytes: Uint8Array,
  segment: number,
  planes: number,
  own: number,
): number[] {
  const rowBytes = segment * planes;
  const rows = bytes.length / rowBytes;
  const modes: number[] = [];
  for (let plane = 0; plane < planes; plane++) {
    let best = Number.NEGATIVE_INFINITY;
    let worst = Number.POSITIVE_INFINITY;
    for (let row = 0; row < rows; row += SAMPLE_EVERY) {
      const start = row * rowBytes + plane * segment;
      const saving = runLengthSaving(words, bytes, start, start + own);
      best = Math.max(best, saving);
      worst = Math.min(worst, saving);
    }
    modes.push(best < -SWITCH_BITS ? STORE : worst > 2 * SWITCH_BITS ? CODE : CHECK);
  }
  return modes;
}

/** The most bytes deflatePlanes can produce: each segment coded at 9 bits a byte or stored in its own block. */
export function deflatePlanesBound(length: number, segment: number): number {
  return Math.ceil(length * 1.125) + 6 * Math.ceil(length / segment) + 16;
}

let scratch = new Uint8Array(0);

/** One output buffer per thread, grown as needed: a fresh zeroed one per tile costs more than coding it. */
function outputScratch(bytes: number): Uint8Array {
  if (scratch.length < bytes) scratch = new Uint8Array(bytes);
  return scratch;
}

/** Adler-32 (RFC 1950) of `bytes`. */
export function adler32(bytes: Uint8Array): number {
  const state = ADLER_STATE;
  state[0] = 1;
  state[1] = 0;
  // In chunks: a short function called often is optimised with all its feedback (see foldRow in
  // core/terrain/accumulate.ts), and reduced every 3,800 bytes b stays below 2^31
  // (65521 + 3800 * 65521 + 255 * 3800 * 3801 / 2): small-integer arithmetic throughout, where
  // zlib's 5,552 would overflow into doubles.
  for (let start = 0; start < bytes.length; start += 3800)
    adlerChunk(bytes, start, Math.min(bytes.length, start + 3800), state);
  return ((state[1] << 16) | state[0]) >>> 0;
}

const ADLER_STATE = new Int32Array(2);

/** Folds bytes[start, end) (at most 3,800) into the Adler-32 sums in state, four bytes a step. */
function adlerChunk(bytes: Uint8Array, start: number, end: number, state: Int32Array): void {
  let a = state[0];
  let b = state[1];
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const x0 = bytes[i];
    const x1 = bytes[i + 1];
    const x2 = bytes[i + 2];
    const x3 = bytes[i + 3];
    b += 4 * a + 4 * x0 + 3 * x1 + 2 * x2 + x3;
    a += x0 + x1 + x2 + x3;
  }
  for (; i < end; i++) {
    a += bytes[i];
    b += a;
  }
  state[0] = a % 65521;
  state[1] = b % 65521;
}
