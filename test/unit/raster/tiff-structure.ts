import { readFileSync } from "node:fs";

/** A minimal independent TIFF walker for the tests: IFD offsets and a few tags of each IFD. */
export interface IfdSummary {
  offset: number;
  tags: Map<number, number[]>;
}

const TYPE_BYTES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 12: 8, 16: 8 };

export function walkIfds(path: string): { bigTiff: boolean; bytes: Buffer; ifds: IfdSummary[] } {
  const bytes = readFileSync(path);
  if (bytes.toString("latin1", 0, 2) !== "II") throw new Error("expected little-endian TIFF");
  const bigTiff = bytes.readUInt16LE(2) === 43;
  let offset = bigTiff ? Number(bytes.readBigUInt64LE(8)) : bytes.readUInt32LE(4);
  const ifds: IfdSummary[] = [];
  while (offset !== 0) {
    const count = bigTiff ? Number(bytes.readBigUInt64LE(offset)) : bytes.readUInt16LE(offset);
    const entrySize = bigTiff ? 20 : 12;
    const first = offset + (bigTiff ? 8 : 2);
    const tags = new Map<number, number[]>();
    for (let i = 0; i < count; i++) {
      const at = first + i * entrySize;
      const tag = bytes.readUInt16LE(at);
      const type = bytes.readUInt16LE(at + 2);
      const n = bigTiff ? Number(bytes.readBigUInt64LE(at + 4)) : bytes.readUInt32LE(at + 8 - 4);
      const size = (TYPE_BYTES[type] ?? 1) * n;
      const valueAt =
        size <= (bigTiff ? 8 : 4)
          ? at + (bigTiff ? 12 : 8)
          : bigTiff
            ? Number(bytes.readBigUInt64LE(at + 12))
            : bytes.readUInt32LE(at + 8);
      if (type === 3 || type === 4 || type === 16) {
        const values: number[] = [];
        for (let k = 0; k < n; k++) {
          const p = valueAt + k * TYPE_BYTES[type];
          values.push(
            type === 3
              ? bytes.readUInt16LE(p)
              : type === 4
                ? bytes.readUInt32LE(p)
                : Number(bytes.readBigUInt64LE(p)),
          );
        }
        tags.set(tag, values);
      }
    }
    ifds.push({ offset, tags });
    const next = first + count * entrySize;
    offset = bigTiff ? Number(bytes.readBigUInt64LE(next)) : bytes.readUInt32LE(next);
  }
  return { bigTiff, bytes, ifds };
}
