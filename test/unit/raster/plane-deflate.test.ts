import assert from "node:assert/strict";
import { test } from "node:test";
import { constants, deflateSync, inflateSync } from "node:zlib";
import { adler32, deflatePlanes, deflatePlanesBound } from "../../../core/raster/plane-deflate.ts";

// The planes encoder writes DEFLATE by hand, so zlib's inflate is the reference: every stream
// must inflate to exactly its input (zlib also checks the Adler-32 trailer), whatever mix of
// coded runs and stored blocks the data leads to.

let seed = 12345;
function random(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
}

/** Rows of `planes` segments: noise, runs, constants, or a mix, chosen per segment. */
function sample(segment: number, planes: number, rows: number, kind: "noise" | "runs" | "mixed"): Uint8Array {
  const bytes = new Uint8Array(segment * planes * rows);
  for (let start = 0; start < bytes.length; start += segment) {
    const style = kind === "mixed" ? Math.floor(random() * 4) : kind === "noise" ? 0 : 1;
    let value = Math.floor(random() * 256);
    for (let i = start; i < start + segment; i++) {
      if (style === 0) bytes[i] = Math.floor(random() * 256);
      else if (style === 1) {
        if (random() < 0.1) value = Math.floor(random() * 256); // runs of ~10, some of 258 and more
        bytes[i] = value;
      } else if (style === 2) bytes[i] = 0;
      else bytes[i] = random() < 0.5 ? 255 : 254; // high literals and short runs
    }
  }
  return bytes;
}

test("every stream inflates to its input: noise, runs, constants, mixed; long runs and long stored stretches", () => {
  const cases = [
    sample(256, 4, 64, "noise"),
    sample(256, 4, 64, "runs"),
    sample(256, 4, 64, "mixed"),
    sample(512, 8, 20, "mixed"), // Float64 planes of 512-px tiles
    new Uint8Array(256 * 4 * 300), // one run far longer than 258 and a single stored block would allow
    sample(4, 1, 1, "noise"),
  ];
  for (const [k, bytes] of cases.entries()) {
    const planes = k === 3 ? 8 : k === 5 ? 1 : 4;
    const segment = k === 3 ? 512 : k === 5 ? 4 : 256;
    const stream = deflatePlanes(bytes, segment, planes);
    assert.ok(Buffer.from(bytes).equals(inflateSync(stream)), `case ${k} round trip`);
    assert.ok(stream.length <= deflatePlanesBound(bytes.length, segment), `case ${k} within the bound`);
  }
});

test("a right-edge tile: the padding after each plane's own columns is coded apart, and all inflates back", () => {
  const columns = 177; // 1201 = 4 x 256 + 177, Aconcagua's last tile column
  const bytes = sample(256, 4, 32, "noise");
  for (let start = 0; start < bytes.length; start += 256) bytes.fill(0, start + columns, start + 256); // the padding: a run
  const stream = deflatePlanes(bytes, 256, 4, undefined, columns);
  assert.ok(Buffer.from(bytes).equals(inflateSync(stream)));
  // The noise stored, the padding coded: the noise's own bytes and ~10 bytes of block headers per
  // plane and row (a stored block, then a fixed one for the padding), 6 % of 177 noise bytes.
  const noiseBytes = (bytes.length * columns) / 256;
  assert.ok(stream.length < noiseBytes * 1.08, `${stream.length} bytes for ${noiseBytes} of noise`);
});

test("noise is stored (about its own size); runs and zeros shrink to a few percent", () => {
  const noise = sample(256, 4, 64, "noise");
  const ratio = deflatePlanes(noise, 256, 4).length / noise.length;
  assert.ok(ratio > 1 && ratio < 1.01, `noise ratio ${ratio}`); // stored: 5 bytes a block, a few blocks a row
  const zeros = new Uint8Array(256 * 4 * 64);
  assert.ok(deflatePlanes(zeros, 256, 4).length < zeros.length / 50);
  const runs = sample(256, 4, 64, "runs");
  // Fixed codes on runs of ~10: zlib's level 1 with dynamic codes is the yardstick, within 2x.
  const zlib = deflateSync(runs, { level: 1, strategy: constants.Z_RLE }).length;
  assert.ok(deflatePlanes(runs, 256, 4).length < 2 * zlib);
});

test("writing into a caller's buffer gives the same stream as a view of that buffer", () => {
  const bytes = sample(256, 4, 16, "mixed");
  const into = Buffer.alloc(deflatePlanesBound(bytes.length, 256) + 10);
  const viewed = deflatePlanes(bytes, 256, 4, into);
  assert.equal(viewed.buffer, into.buffer);
  assert.ok(viewed.equals(deflatePlanes(bytes, 256, 4)));
  assert.throws(() => deflatePlanes(bytes, 256, 4, Buffer.alloc(16)), RangeError);
});

/** zlib's own Adler-32: the last four bytes of its stream, big-endian. */
function zlibAdler32(bytes: Uint8Array): number {
  const stream = deflateSync(bytes, { level: 0 });
  return stream.readUInt32BE(stream.length - 4);
}

test("Adler-32 equals zlib's for every length mod 4 and across the 5552-byte reduction", () => {
  for (const length of [0, 1, 2, 3, 4, 5, 5551, 5552, 5553, 100_003]) {
    const bytes = new Uint8Array(length).map(() => (random() < 0.5 ? 255 : Math.floor(random() * 256)));
    assert.equal(adler32(bytes), zlibAdler32(bytes), `length ${length}`);
  }
});
