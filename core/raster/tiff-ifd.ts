/** TIFF field types used by the writer. */
export const FieldType = { ascii: 2, short: 3, long: 4, double: 12, long8: 16 } as const;
type FieldTypeCode = (typeof FieldType)[keyof typeof FieldType];

const TYPE_BYTES: Record<FieldTypeCode, number> = { 2: 1, 3: 2, 4: 4, 12: 8, 16: 8 };

export interface IfdEntry {
  tag: number;
  type: FieldTypeCode;
  /** Numbers for numeric types; a string (written NUL-terminated) for ASCII. */
  values: readonly number[] | string;
}

/** Classic TIFF (32-bit offsets) or BigTIFF (64-bit offsets). */
export interface TiffFlavour {
  bigTiff: boolean;
}

function valueCount(entry: IfdEntry): number {
  return typeof entry.values === "string"
    ? Buffer.byteLength(entry.values, "latin1") + 1
    : entry.values.length;
}

function inlineCapacity(flavour: TiffFlavour): number {
  return flavour.bigTiff ? 8 : 4;
}

function externalBytes(entry: IfdEntry, flavour: TiffFlavour): number {
  const bytes = valueCount(entry) * TYPE_BYTES[entry.type];
  return bytes <= inlineCapacity(flavour) ? 0 : bytes + (bytes % 2);
}

/** Size in bytes of an IFD plus the out-of-line values that follow it; depends only on types and counts. */
export function ifdSize(entries: readonly IfdEntry[], flavour: TiffFlavour): number {
  const entryBytes = flavour.bigTiff ? 20 : 12;
  const headerBytes = flavour.bigTiff ? 8 : 2;
  const nextBytes = flavour.bigTiff ? 8 : 4;
  let size = headerBytes + entries.length * entryBytes + nextBytes;
  for (const entry of entries) size += externalBytes(entry, flavour);
  return size;
}

/**
 * Serialises an IFD at file offset `offset`, with its out-of-line values right after it, and a
 * link to the next IFD (0 for the last one). Entries are sorted by tag as TIFF requires.
 */
export function encodeIfd(
  entries: readonly IfdEntry[],
  offset: number,
  nextIfd: number,
  flavour: TiffFlavour,
): Buffer {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const buffer = Buffer.alloc(ifdSize(sorted, flavour));
  const entryBytes = flavour.bigTiff ? 20 : 12;
  let cursor = 0;
  if (flavour.bigTiff) buffer.writeBigUInt64LE(BigInt(sorted.length), 0);
  else buffer.writeUInt16LE(sorted.length, 0);
  cursor = flavour.bigTiff ? 8 : 2;
  let external = cursor + sorted.length * entryBytes + (flavour.bigTiff ? 8 : 4);
  writeOffset(buffer, cursor + sorted.length * entryBytes, nextIfd, flavour);
  for (const entry of sorted) {
    buffer.writeUInt16LE(entry.tag, cursor);
    buffer.writeUInt16LE(entry.type, cursor + 2);
    const count = valueCount(entry);
    if (flavour.bigTiff) buffer.writeBigUInt64LE(BigInt(count), cursor + 4);
    else buffer.writeUInt32LE(count, cursor + 4);
    const valueField = cursor + (flavour.bigTiff ? 12 : 8);
    if (externalBytes(entry, flavour) === 0) {
      writeValues(buffer, valueField, entry);
    } else {
      writeOffset(buffer, valueField, offset + external, flavour);
      writeValues(buffer, external, entry);
      external += externalBytes(entry, flavour);
    }
    cursor += entryBytes;
  }
  return buffer;
}

function writeOffset(buffer: Buffer, at: number, value: number, flavour: TiffFlavour): void {
  if (flavour.bigTiff) buffer.writeBigUInt64LE(BigInt(value), at);
  else buffer.writeUInt32LE(value, at);
}

function writeValues(buffer: Buffer, at: number, entry: IfdEntry): void {
  if (typeof entry.values === "string") {
    buffer.write(entry.values, at, "latin1");
    return; // the NUL terminator is already there: the buffer is zero-filled
  }
  const size = TYPE_BYTES[entry.type];
  entry.values.forEach((value, i) => {
    const position = at + i * size;
    if (entry.type === FieldType.short) buffer.writeUInt16LE(value, position);
    else if (entry.type === FieldType.long) buffer.writeUInt32LE(value, position);
    else if (entry.type === FieldType.double) buffer.writeDoubleLE(value, position);
    else if (entry.type === FieldType.long8) buffer.writeBigUInt64LE(BigInt(value), position);
  });
}
