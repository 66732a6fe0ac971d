import { InputError } from "../errors.ts";

/**
 * A small binary container for the typed arrays that travel between the campaign's steps (a
 * profile's cells, a job's displacements): the magic `QSARRAY1`, a little-endian uint32 header
 * length, a JSON header (names, types, length, metadata) padded to 8 bytes, then each array's
 * little-endian bytes in header order. JSON would be 3-4× larger and slower to parse.
 */
const MAGIC = "QSARRAY1";

export type ArrayType = "uint32" | "float32" | "float64";
type TypedArray = Uint32Array | Float32Array | Float64Array;

const CONSTRUCTORS = { uint32: Uint32Array, float32: Float32Array, float64: Float64Array } as const;

function typeOf(array: TypedArray): ArrayType {
  if (array instanceof Uint32Array) return "uint32";
  if (array instanceof Float32Array) return "float32";
  return "float64";
}

export interface ArraysFile<Meta> {
  meta: Meta;
  arrays: Record<string, TypedArray>;
}

export function encodeArrays<Meta>(meta: Meta, arrays: Record<string, TypedArray>): Uint8Array {
  const names = Object.keys(arrays);
  const length = names.length ? arrays[names[0]].length : 0;
  for (const name of names) {
    if (arrays[name].length !== length)
      throw new Error(`array ${name} has ${arrays[name].length} values, not ${length}`);
  }
  const header = new TextEncoder().encode(
    JSON.stringify({ meta, length, arrays: names.map((name) => ({ name, type: typeOf(arrays[name]) })) }),
  );
  const headerBytes = Math.ceil(header.length / 8) * 8;
  const body = names.reduce((sum, name) => sum + arrays[name].byteLength, 0);
  const bytes = new Uint8Array(MAGIC.length + 4 + headerBytes + body);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(MAGIC.length, headerBytes, true);
  bytes.fill(0x20, MAGIC.length + 4, MAGIC.length + 4 + headerBytes);
  bytes.set(header, MAGIC.length + 4);
  let offset = MAGIC.length + 4 + headerBytes;
  for (const name of names) {
    const array = arrays[name];
    bytes.set(littleEndianBytes(array), offset);
    offset += array.byteLength;
  }
  return bytes;
}

export function decodeArrays<Meta>(bytes: Uint8Array, file: string): ArraysFile<Meta> {
  const text = new TextDecoder().decode(bytes.subarray(0, MAGIC.length));
  if (bytes.length < MAGIC.length + 4 || text !== MAGIC)
    throw new InputError("not a Quakeslide arrays file (no QSARRAY1 header)", { file });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = view.getUint32(MAGIC.length, true);
  const start = MAGIC.length + 4;
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + headerBytes))) as {
    meta: Meta;
    length: number;
    arrays: { name: string; type: ArrayType }[];
  };
  let offset = start + headerBytes;
  const arrays: Record<string, TypedArray> = {};
  for (const { name, type } of header.arrays) {
    const Constructor = CONSTRUCTORS[type];
    const byteLength = header.length * Constructor.BYTES_PER_ELEMENT;
    if (offset + byteLength > bytes.length)
      throw new InputError(`truncated: array ${name} is cut short`, { file });
    // Copy into a buffer of its own: the bytes may sit at any offset of a larger (pooled) buffer.
    const copy = new Uint8Array(byteLength);
    copy.set(bytes.subarray(offset, offset + byteLength));
    arrays[name] = new Constructor(copy.buffer);
    offset += byteLength;
  }
  return { meta: header.meta, arrays };
}

/** The arrays are written in the host's byte order; every platform Quakeslide runs on is little-endian. */
if (new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1)
  throw new Error("arrays-file.ts assumes a little-endian host");

function littleEndianBytes(array: TypedArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
