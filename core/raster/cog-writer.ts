import { type FileHandle, open, rm } from "node:fs/promises";
import { assembleCog, type LevelTiles } from "./cog-assemble.ts";
import { downsampleRows } from "./downsample.ts";
import {
  type DeflateStrategy,
  encodeTile,
  type SampleConstructor,
  type SampleLayout,
  sampleLayoutOf,
  TileArena,
  type TileSource,
} from "./tile-codec.ts";
import type { Grid, SampleArray } from "./types.ts";

export interface CogWriterOptions {
  bandNames?: (string | undefined)[];
  /** Nodata value written as GDAL_NODATA; defaults to NaN for float samples and none for integers. */
  nodata?: number | null;
  tileSize?: 256 | 512;
  /** The typed array the rows come in (and the file's sample type); default Float32Array. */
  sampleType?: SampleConstructor;
  /** zlib level 1 (fast) to 9 (small); default 6 as GDAL's ZLEVEL. */
  deflateLevel?: number;
  /** zlib strategy (see tile-codec.ts): "rle" is 2-3x faster on noisy floats, ~1 % larger; default "default". */
  deflateStrategy?: DeflateStrategy;
  bandCount?: number;
  /** Compressed bytes kept in memory before tiles go to the spill file; default 32 MiB. */
  maxHeldBytes?: number;
  /** BigTIFF (64-bit offsets): "auto" (default) uses it only when the file would pass 4 GiB. */
  bigTiff?: boolean | "auto";
}

export interface CogWriter {
  /** Rows y0..y0+k-1 (row-major, k*width samples), in order from the top; one array per band. */
  writeRows(y0: number, rows: SampleArray | SampleArray[]): Promise<void>;
  /** Writes the COG once every row has arrived; removes the temporary tile file. */
  close(): Promise<void>;
  /** Gives up: removes the temporary tile file and any partial output. */
  abort(): Promise<void>;
}

/** Tile rows compressed ahead of the spill file: overlap with the caller, bounded memory. */
const MAX_TILE_ROWS_IN_FLIGHT = 2;
/**
 * Compressed bytes a writer keeps in memory (default) rather than in its spill file: a small raster's COG
 * is then written in one go at close, without writing its tiles to disk and reading them back.
 * Past this, every tile goes to the spill file, so memory stays bounded whatever the raster size.
 */
const DEFAULT_MAX_HELD_BYTES = 32 * 1024 * 1024;

/** One resolution level being filled: a block of up to tileSize rows per band, cut into tiles when full. */
interface Level extends LevelTiles {
  blockRows: SampleArray[];
  /** Rows halved from the level above, per band, before they are copied into blockRows (overviews only). */
  reducedRows?: SampleArray[];
  filledRows: number;
  blockIndex: number;
}

/**
 * Streams a Cloud Optimized GeoTIFF: rows arrive top to bottom, every completed row of tiles is
 * compressed and kept in memory (up to maxHeldBytes) or spilled to `<path>.tiles.tmp`, and each
 * overview is built by averaging 2x2 cells as rows arrive. Memory is a few tile rows per level, whatever the raster size. `close` writes
 * the IFDs first, then the tiles from the smallest overview to full resolution (see cog-assemble.ts).
 */
export function openCogWriter(path: string, grid: Grid, options: CogWriterOptions = {}): CogWriter {
  const writer = new StreamingCog(path, grid, options);
  return {
    writeRows: (y0, rows) => writer.writeRows(y0, rows),
    close: () => writer.close(),
    abort: () => writer.abort(),
  };
}

class StreamingCog {
  private readonly tileSize: 256 | 512;
  private readonly Sample: SampleConstructor;
  private readonly bandCount: number;
  private readonly sample: SampleLayout;
  private readonly nodata: number | null;
  private readonly deflateLevel: number;
  private readonly spillPath: string;
  private readonly levels: Level[];
  private spill: FileHandle | undefined;
  private spillOpened = false;
  /** Compressed tiles held in memory, in a few large chunks instead of one allocation each. */
  private readonly arena = new TileArena((bytes) => {
    if (this.heldBytes !== undefined) this.heldBytes += bytes;
  });
  private spillSize = 0;
  /** Bytes of compressed tiles held in memory; undefined once they have moved to the spill file. */
  private heldBytes: number | undefined = 0;
  private nextRow = 0;
  private failed = false;
  /** Tile rows being compressed or spilled, oldest first; each settles (never rejects). */
  private spilling: Promise<void>[] = [];
  private spillError: unknown;

  constructor(
    private readonly path: string,
    private readonly grid: Grid,
    private readonly options: CogWriterOptions,
  ) {
    this.tileSize = options.tileSize ?? 256;
    this.Sample = options.sampleType ?? Float32Array;
    this.bandCount = options.bandCount ?? options.bandNames?.length ?? 1;
    this.sample = sampleLayoutOf(new this.Sample(0));
    this.nodata =
      options.nodata === undefined ? (this.sample.format === 3 ? Number.NaN : null) : options.nodata;
    this.deflateLevel = options.deflateLevel ?? 6;
    this.spillPath = `${path}.tiles.tmp`;
    this.levels = planLevels(grid.width, grid.height, this.tileSize, this.bandCount, this.Sample);
  }

  async writeRows(y0: number, rows: SampleArray | SampleArray[]): Promise<void> {
    if (this.failed) throw new Error(`COG writer for ${this.path} already failed`);
    const bands = Array.isArray(rows) ? rows : [rows];
    const rowCount = checkRows(this.path, this.grid, this.bandCount, this.Sample, this.nextRow, y0, bands);
    try {
      await this.feed(0, bands, rowCount);
      if (this.spillError) throw this.spillError;
    } catch (error) {
      await this.fail();
      throw error;
    }
    this.nextRow += rowCount;
  }

  async close(): Promise<void> {
    if (this.failed) throw new Error(`COG writer for ${this.path} already failed`);
    if (this.nextRow !== this.grid.height) {
      await this.fail();
      throw new Error(`COG writer for ${this.path} closed after ${this.nextRow} of ${this.grid.height} rows`);
    }
    try {
      await Promise.all(this.spilling);
      if (this.spillError) throw this.spillError;
      await assembleCog(this.path, this.spill, {
        grid: this.grid,
        levels: this.levels,
        tileSize: this.tileSize,
        bandCount: this.bandCount,
        sample: this.sample,
        nodata: this.nodata,
        bandNames: this.options.bandNames ?? [],
        bigTiff: this.options.bigTiff ?? "auto",
      });
      await this.removeSpill();
    } catch (error) {
      await this.fail();
      throw error;
    }
  }

  async abort(): Promise<void> {
    await this.fail();
  }

  /** Copies rows into a level's block; each full block (or the level's last rows) is flushed. */
  private async feed(levelIndex: number, bands: SampleArray[], rowCount: number): Promise<void> {
    const level = this.levels[levelIndex];
    let consumed = 0;
    while (consumed < rowCount) {
      const take = Math.min(this.tileSize - level.filledRows, rowCount - consumed);
      for (let band = 0; band < this.bandCount; band++) {
        const source = bands[band].subarray(consumed * level.width, (consumed + take) * level.width);
        level.blockRows[band].set(source, level.filledRows * level.width);
      }
      level.filledRows += take;
      consumed += take;
      const rowsDone = level.blockIndex * this.tileSize + level.filledRows;
      if (level.filledRows === this.tileSize || rowsDone === level.height) await this.flushBlock(levelIndex);
    }
  }

  /**
   * Starts compressing a block's row of tiles (concurrently, in zlib's thread pool) and feeds the
   * next overview without waiting, so that the caller computes its next rows meanwhile; tiles are
   * spilled in order as they finish. At most MAX_TILE_ROWS_IN_FLIGHT rows are pending (memory bound).
   */
  private async flushBlock(levelIndex: number): Promise<void> {
    const level = this.levels[levelIndex];
    const rows = level.filledRows;
    const blockIndex = level.blockIndex;
    const tilesAcross = Math.ceil(level.width / this.tileSize);
    const padValue = this.nodata ?? 0;
    const jobs: Promise<Buffer>[] = [];
    for (let band = 0; band < this.bandCount; band++) {
      for (let tx = 0; tx < tilesAcross; tx++) {
        const source = tileSource(
          level.blockRows[band],
          level.width,
          rows,
          tx * this.tileSize,
          this.tileSize,
          padValue,
        );
        // While tiles are held in memory, the planes encoder writes them straight into the arena.
        const arena = this.heldBytes === undefined ? undefined : this.arena;
        jobs.push(encodeTile(source, this.tileSize, this.deflateLevel, this.options.deflateStrategy, arena));
      }
    }
    const previous = this.spilling.at(-1);
    const spilled = Promise.all(jobs).then(async (encoded) => {
      await previous;
      for (let band = 0; band < this.bandCount; band++) {
        for (let tx = 0; tx < tilesAcross; tx++) {
          const data = encoded[band * tilesAcross + tx];
          const index = blockIndex * tilesAcross + tx;
          level.byteCounts[band][index] = data.length;
          // zlib's result may be a slice of a larger output buffer: count what it keeps alive. An
          // arena's chunks were counted when they were made.
          const kept = this.arena.holds(data) ? 0 : Math.max(data.length, data.buffer.byteLength);
          const limit = this.options.maxHeldBytes ?? DEFAULT_MAX_HELD_BYTES;
          if (this.heldBytes !== undefined && this.heldBytes + kept <= limit) {
            level.held[band][index] = data;
            this.heldBytes += kept;
          } else {
            await this.spillHeldTiles();
            level.spillOffsets[band][index] = await this.appendToSpill(data);
          }
        }
      }
    });
    this.spilling.push(
      spilled.catch((error: unknown) => {
        this.spillError ??= error;
      }),
    );
    level.filledRows = 0;
    level.blockIndex++;
    while (this.spilling.length > MAX_TILE_ROWS_IN_FLIGHT) await this.spilling.shift();
    const next = this.levels[levelIndex + 1];
    if (next) {
      // Into the next level's scratch: feed copies it into that level's block before this returns.
      next.reducedRows ??= level.blockRows.map(() => new this.Sample((this.tileSize / 2) * next.width));
      const into = next.reducedRows;
      const reduced = level.blockRows.map((block, band) =>
        downsampleRows(block, level.width, rows, next.width, this.nodata, into[band]),
      );
      await this.feed(levelIndex + 1, reduced, Math.ceil(rows / 2));
    }
  }

  /** Moves the tiles held in memory so far to the spill file (once: later tiles go there directly). */
  private async spillHeldTiles(): Promise<void> {
    if (this.heldBytes === undefined) return;
    this.heldBytes = undefined;
    for (const level of this.levels) {
      for (let band = 0; band < level.held.length; band++) {
        const held = level.held[band];
        for (let index = 0; index < held.length; index++) {
          const data = held[index];
          if (!data) continue;
          level.spillOffsets[band][index] = await this.appendToSpill(data);
          held[index] = undefined;
        }
      }
    }
  }

  private async appendToSpill(data: Buffer): Promise<number> {
    if (!this.spill) {
      this.spillOpened = true;
      this.spill = await open(this.spillPath, "w+");
    }
    const at = this.spillSize;
    this.spillSize += data.length;
    await this.spill.write(data, 0, data.length, at);
    return at;
  }

  private async removeSpill(): Promise<void> {
    await this.spill?.close();
    this.spill = undefined;
    // A raster whose tiles all stayed in memory never made one: no file-system call then.
    if (this.spillOpened) await rm(this.spillPath, { force: true });
  }

  private async fail(): Promise<void> {
    this.failed = true;
    await Promise.all(this.spilling);
    await this.removeSpill();
    await rm(this.path, { force: true });
  }
}

/** Writes a whole in-memory raster as a COG (through the streaming writer). */
export async function writeCog(
  path: string,
  raster: Grid & { bands: SampleArray[]; bandNames?: (string | undefined)[]; nodata?: number | null },
  options: Pick<CogWriterOptions, "tileSize" | "deflateLevel" | "bigTiff"> = {},
): Promise<void> {
  const first = raster.bands[0];
  if (first === undefined) throw new Error(`writeCog ${path}: no bands`);
  const cells = raster.width * raster.height;
  const wrong = raster.bands.findIndex((band) => band.length !== cells);
  if (wrong >= 0) {
    throw new Error(
      `writeCog ${path}: band ${wrong} has ${raster.bands[wrong].length} cells, the grid ${cells}`,
    );
  }
  const writer = openCogWriter(path, raster, {
    ...options,
    bandNames: raster.bandNames,
    nodata: raster.nodata,
    bandCount: raster.bands.length,
    sampleType: first.constructor as SampleConstructor,
  });
  await writer.writeRows(0, raster.bands);
  await writer.close();
}

function planLevels(
  width: number,
  height: number,
  tileSize: number,
  bandCount: number,
  Sample: SampleConstructor,
): Level[] {
  const levels: Level[] = [];
  let w = width;
  let h = height;
  for (;;) {
    const tileCount = Math.ceil(w / tileSize) * Math.ceil(h / tileSize);
    levels.push({
      width: w,
      height: h,
      blockRows: Array.from({ length: bandCount }, () => new Sample(tileSize * w)),
      filledRows: 0,
      blockIndex: 0,
      spillOffsets: Array.from({ length: bandCount }, () => new Array(tileCount).fill(0)),
      byteCounts: Array.from({ length: bandCount }, () => new Array(tileCount).fill(0)),
      held: Array.from({ length: bandCount }, () => new Array(tileCount).fill(undefined)),
    });
    // Overviews halve the size until the image fits in one tile, as GDAL's COG driver does.
    if (w <= tileSize && h <= tileSize) return levels;
    w = Math.ceil(w / 2);
    h = Math.ceil(h / 2);
  }
}

/**
 * Where the predictor reads a tile: straight from the block when the tile is whole, or from a
 * padded copy (nodata beyond the raster's right or bottom edge) when it is not. The copy is one
 * scratch array per sample type and size, reused: encodeTile has read it by the time it returns.
 */
function tileSource(
  block: SampleArray,
  width: number,
  rows: number,
  x0: number,
  tileSize: number,
  padValue: number,
): TileSource {
  const columns = Math.min(tileSize, width - x0);
  if (columns === tileSize && rows === tileSize) return { data: block, offset: x0, stride: width };
  const tile = paddedTile(block.constructor as SampleConstructor, tileSize).fill(padValue);
  for (let r = 0; r < rows; r++)
    tile.set(block.subarray(r * width + x0, r * width + x0 + columns), r * tileSize);
  return { data: tile, offset: 0, stride: tileSize, columns };
}

const paddedTiles = new Map<SampleConstructor, SampleArray>();

function paddedTile(Sample: SampleConstructor, tileSize: number): SampleArray {
  let tile = paddedTiles.get(Sample);
  if (tile?.length !== tileSize * tileSize) {
    tile = new Sample(tileSize * tileSize);
    paddedTiles.set(Sample, tile);
  }
  return tile;
}

function checkRows(
  path: string,
  grid: Grid,
  bandCount: number,
  Sample: SampleConstructor,
  nextRow: number,
  y0: number,
  bands: SampleArray[],
): number {
  if (y0 !== nextRow)
    throw new Error(`COG writer for ${path}: rows must come in order; expected row ${nextRow}, got ${y0}`);
  if (bands.length !== bandCount)
    throw new Error(`COG writer for ${path}: expected ${bandCount} bands, got ${bands.length}`);
  const length = bands[0].length;
  for (const band of bands) {
    if (!(band instanceof Sample)) throw new TypeError(`COG writer for ${path}: rows must be ${Sample.name}`);
    if (band.length !== length || length % grid.width !== 0) {
      throw new Error(`COG writer for ${path}: each band needs k*${grid.width} samples, got ${band.length}`);
    }
  }
  const rowCount = length / grid.width;
  if (y0 + rowCount > grid.height)
    throw new Error(`COG writer for ${path}: rows ${y0}..${y0 + rowCount - 1} beyond height ${grid.height}`);
  return rowCount;
}
