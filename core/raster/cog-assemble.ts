import { type FileHandle, open } from "node:fs/promises";
import { GHOST_HEADER, levelIfdEntries, TILE_FRAME_BYTES, tiffHeader } from "./cog-layout.ts";
import { encodeIfd, ifdSize } from "./tiff-ifd.ts";
import type { SampleLayout } from "./tile-codec.ts";
import type { Grid } from "./types.ts";

/**
 * Where one level's compressed tiles are, per band, in row-major tile order: in memory
 * (`held`, while the writer keeps them there) or at `spillOffsets` in the spill file.
 */
export interface LevelTiles {
  width: number;
  height: number;
  spillOffsets: number[][];
  byteCounts: number[][];
  held: (Buffer | undefined)[][];
}

export interface CogPlan {
  grid: Grid;
  levels: LevelTiles[];
  tileSize: number;
  bandCount: number;
  sample: SampleLayout;
  nodata: number | null;
  bandNames: (string | undefined)[];
  bigTiff: boolean | "auto";
}

const CLASSIC_TIFF_LIMIT = 2 ** 32 - 1;
const COPY_BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Writes the final COG: TIFF header, GDAL's ghost metadata, every IFD (full resolution first,
 * then overviews by decreasing size), then the tiles from the smallest overview up to full
 * resolution, each framed by a size leader and a 4-byte trailer. BigTIFF when the classic
 * format's 32-bit offsets cannot reach the end of the file.
 */
export async function assembleCog(path: string, spill: FileHandle | undefined, plan: CogPlan): Promise<void> {
  const classic = layout(plan, false);
  const bigTiff = plan.bigTiff === "auto" ? classic.end > CLASSIC_TIFF_LIMIT : plan.bigTiff;
  const { ifdOffsets, tileOffsets, dataStart, end } = bigTiff ? layout(plan, true) : classic;
  const output = await open(path, "w");
  try {
    const head: Buffer[] = [tiffHeader(bigTiff, ifdOffsets[0]), Buffer.from(GHOST_HEADER, "latin1")];
    if (((bigTiff ? 16 : 8) + GHOST_HEADER.length) % 2 === 1) head.push(Buffer.alloc(1));
    plan.levels.forEach((_, index) => {
      const entries = entriesFor(plan, index, bigTiff, tileOffsets[index]);
      head.push(encodeIfd(entries, ifdOffsets[index], ifdOffsets[index + 1] ?? 0, { bigTiff }));
    });
    await output.writev(head, 0);
    await copyTiles(plan, spill, output, dataStart);
    const { size } = await output.stat();
    if (size !== end) throw new Error(`COG ${path}: wrote ${size} bytes, expected ${end}`);
  } finally {
    await output.close();
  }
}

interface Layout {
  ifdOffsets: number[];
  /** Per level, the file offsets of its tiles' data, band after band. */
  tileOffsets: number[][];
  dataStart: number;
  end: number;
}

function layout(plan: CogPlan, bigTiff: boolean): Layout {
  let position = (bigTiff ? 16 : 8) + GHOST_HEADER.length;
  position += position % 2;
  const ifdOffsets: number[] = [];
  plan.levels.forEach((_, index) => {
    ifdOffsets.push(position);
    const placeholder = plan.levels[index].byteCounts.flat();
    position += ifdSize(entriesFor(plan, index, bigTiff, placeholder), { bigTiff });
  });
  const dataStart = position;
  const tileOffsets: number[][] = plan.levels.map(() => []);
  for (let index = plan.levels.length - 1; index >= 0; index--) {
    for (const counts of plan.levels[index].byteCounts) {
      for (const count of counts) {
        tileOffsets[index].push(position + 4);
        position += count + TILE_FRAME_BYTES;
      }
    }
  }
  return { ifdOffsets, tileOffsets, dataStart, end: position };
}

function entriesFor(plan: CogPlan, index: number, bigTiff: boolean, offsets: number[]) {
  const level = plan.levels[index];
  return levelIfdEntries(
    {
      width: level.width,
      height: level.height,
      tileSize: plan.tileSize,
      bandCount: plan.bandCount,
      sample: plan.sample,
      nodata: plan.nodata,
      tileOffsets: offsets,
      tileByteCounts: level.byteCounts.flat(),
      bigTiff,
    },
    index === 0 ? { grid: plan.grid, bandNames: plan.bandNames } : undefined,
  );
}

/**
 * Copies the compressed tiles (held in memory, or read back from the spill file) in COG order,
 * adding each tile's leader and trailer.
 */
async function copyTiles(
  plan: CogPlan,
  spill: FileHandle | undefined,
  output: FileHandle,
  start: number,
): Promise<void> {
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let position = start;
  const flush = async () => {
    if (batch.length === 0) return;
    await output.writev(batch, position);
    position += batchBytes;
    batch = [];
    batchBytes = 0;
  };
  for (let index = plan.levels.length - 1; index >= 0; index--) {
    const level = plan.levels[index];
    for (let band = 0; band < plan.bandCount; band++) {
      for (let tile = 0; tile < level.byteCounts[band].length; tile++) {
        const count = level.byteCounts[band][tile];
        const held = level.held[band][tile];
        if (held) {
          // Leader, data and trailer (the data's last 4 bytes again) as they are: no copy.
          const leader = Buffer.allocUnsafe(4);
          leader.writeUInt32LE(count, 0);
          batch.push(leader, held, held.subarray(count - 4, count));
        } else {
          if (!spill) throw new Error("COG tile neither held in memory nor spilled");
          const framed = Buffer.allocUnsafe(count + TILE_FRAME_BYTES);
          framed.writeUInt32LE(count, 0);
          await spill.read(framed, 4, count, level.spillOffsets[band][tile]);
          framed.copy(framed, count + 4, count, count + 4);
          batch.push(framed);
        }
        batchBytes += count + TILE_FRAME_BYTES;
        if (batchBytes >= COPY_BATCH_BYTES) await flush();
      }
    }
  }
  await flush();
}
