import { FieldType, type IfdEntry } from "./tiff-ifd.ts";
import type { SampleLayout } from "./tile-codec.ts";
import type { Grid } from "./types.ts";

/**
 * GDAL's "ghost" structural metadata, placed right after the TIFF header. It tells GDAL (and its
 * COG validator) that the IFDs come before the data, tiles are in row-major order, and each tile
 * is preceded by its size and followed by a copy of its last 4 bytes (so a reader can check that a
 * range request got the whole tile).
 */
const GHOST_BODY = [
  "LAYOUT=IFDS_BEFORE_DATA",
  "BLOCK_ORDER=ROW_MAJOR",
  "BLOCK_LEADER=SIZE_AS_UINT4",
  "BLOCK_TRAILER=LAST_4_BYTES_REPEATED",
  "KNOWN_INCOMPATIBLE_EDITION=NO",
  " ",
].join("\n");

export const GHOST_HEADER = `GDAL_STRUCTURAL_METADATA_SIZE=${String(GHOST_BODY.length).padStart(6, "0")} bytes\n${GHOST_BODY}`;

/** Bytes around each tile's data: a 4-byte size leader and a 4-byte trailer. */
export const TILE_FRAME_BYTES = 8;

export function tiffHeader(bigTiff: boolean, firstIfd: number): Buffer {
  const header = Buffer.alloc(bigTiff ? 16 : 8);
  header.write("II", 0, "latin1");
  if (bigTiff) {
    header.writeUInt16LE(43, 2);
    header.writeUInt16LE(8, 4);
    header.writeBigUInt64LE(BigInt(firstIfd), 8);
  } else {
    header.writeUInt16LE(42, 2);
    header.writeUInt32LE(firstIfd, 4);
  }
  return header;
}

export interface LevelDescription {
  width: number;
  height: number;
  tileSize: number;
  bandCount: number;
  sample: SampleLayout;
  nodata: number | null;
  tileOffsets: readonly number[];
  tileByteCounts: readonly number[];
  bigTiff: boolean;
}

/** The IFD entries of one resolution level (an overview when `main` is undefined). */
export function levelIfdEntries(
  level: LevelDescription,
  main?: { grid: Grid; bandNames: (string | undefined)[] },
): IfdEntry[] {
  const bands = level.bandCount;
  const perBand = (value: number) => new Array(bands).fill(value);
  const offsetType = level.bigTiff ? FieldType.long8 : FieldType.long;
  const entries: IfdEntry[] = [
    { tag: 254, type: FieldType.long, values: [main ? 0 : 1] }, // NewSubfileType: 1 = reduced resolution
    { tag: 256, type: FieldType.long, values: [level.width] },
    { tag: 257, type: FieldType.long, values: [level.height] },
    { tag: 258, type: FieldType.short, values: perBand(level.sample.bytes * 8) },
    { tag: 259, type: FieldType.short, values: [8] }, // Compression: Adobe DEFLATE
    { tag: 262, type: FieldType.short, values: [1] }, // Photometric: min-is-black
    { tag: 277, type: FieldType.short, values: [bands] },
    { tag: 284, type: FieldType.short, values: [bands > 1 ? 2 : 1] }, // PlanarConfiguration: separate planes
    { tag: 317, type: FieldType.short, values: [level.sample.predictor] },
    { tag: 322, type: FieldType.short, values: [level.tileSize] },
    { tag: 323, type: FieldType.short, values: [level.tileSize] },
    { tag: 324, type: offsetType, values: level.tileOffsets },
    { tag: 325, type: offsetType, values: level.tileByteCounts },
    { tag: 339, type: FieldType.short, values: perBand(level.sample.format) },
  ];
  if (bands > 1) entries.push({ tag: 338, type: FieldType.short, values: new Array(bands - 1).fill(0) });
  if (level.nodata !== null)
    entries.push({ tag: 42113, type: FieldType.ascii, values: nodataText(level.nodata) });
  if (main) entries.push(...georeferencingEntries(main.grid), ...bandNameEntries(main.bandNames));
  return entries;
}

function nodataText(nodata: number): string {
  if (Number.isNaN(nodata)) return "nan";
  if (nodata === Number.POSITIVE_INFINITY) return "inf";
  if (nodata === Number.NEGATIVE_INFINITY) return "-inf";
  return String(nodata);
}

function georeferencingEntries(grid: Grid): IfdEntry[] {
  const [ox, px, rx, oy, ry, py] = grid.transform;
  const entries: IfdEntry[] =
    rx === 0 && ry === 0
      ? [
          { tag: 33550, type: FieldType.double, values: [px, -py, 0] }, // ModelPixelScale
          { tag: 33922, type: FieldType.double, values: [0, 0, 0, ox, oy, 0] }, // ModelTiepoint
        ]
      : [
          {
            tag: 34264,
            type: FieldType.double,
            values: [px, rx, 0, ox, ry, py, 0, oy, 0, 0, 0, 0, 0, 0, 0, 1],
          },
        ];
  // GeoKeyDirectory: version 1.1.0; GTModelType (1 projected, 2 geographic), GTRasterType 1
  // (PixelIsArea: the transform refers to cell corners), then the EPSG code of the CRS.
  const keys: number[][] = [
    [1024, 0, 1, grid.crs.geographic ? 2 : 1],
    [1025, 0, 1, 1],
  ];
  if (grid.crs.epsg !== undefined) keys.push([grid.crs.geographic ? 2048 : 3072, 0, 1, grid.crs.epsg]);
  entries.push({ tag: 34735, type: FieldType.short, values: [1, 1, 0, keys.length, ...keys.flat()] });
  return entries;
}

function bandNameEntries(bandNames: (string | undefined)[]): IfdEntry[] {
  const items = bandNames
    .map((name, sample) =>
      name === undefined
        ? ""
        : `  <Item name="DESCRIPTION" sample="${sample}" role="description">${escapeXml(name)}</Item>\n`,
    )
    .join("");
  if (items === "") return [];
  return [{ tag: 42112, type: FieldType.ascii, values: `<GDALMetadata>\n${items}</GDALMetadata>` }];
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
