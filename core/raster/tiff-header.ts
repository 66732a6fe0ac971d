import { closeSync, openSync, readSync, statSync } from "node:fs";
import type { GeoTIFF, GeoTIFFImage } from "geotiff";
import { InputError } from "../errors.ts";
import type { Crs, GeoTransform, Grid } from "./types.ts";

export type SampleType = "uint8" | "int8" | "uint16" | "int16" | "uint32" | "int32" | "float32" | "float64";

export interface RasterInfo extends Grid {
  bandCount: number;
  bandNames: (string | undefined)[];
  nodata: number | null;
  sampleType: SampleType;
  /** Block layout: tiles (tileWidth x tileHeight) or strips (width x rowsPerStrip). */
  layout: { tiled: boolean; blockWidth: number; blockHeight: number };
  compression: number;
  predictor: number;
  overviewCount: number;
}

// TIFF tag numbers read through geotiff.js' file directory.
const TAG = {
  bitsPerSample: 258,
  stripOffsets: 273,
  stripByteCounts: 279,
  tileOffsets: 324,
  tileByteCounts: 325,
  compression: 259,
  predictor: 317,
  sampleFormat: 339,
  modelPixelScale: 33550,
  modelTiepoint: 33922,
  modelTransformation: 34264,
  gdalMetadata: 42112,
  gdalNodata: 42113,
} as const;

const USER_DEFINED_GEOKEY = 32767;

/** Everything about a GeoTIFF but its pixels, from its first IFD; InputError for what we cannot read. */
export async function describe(path: string, tiff: GeoTIFF, image: GeoTIFFImage): Promise<RasterInfo> {
  const directory = image.getFileDirectory();
  const load = async (tag: number) => (directory.hasTag(tag) ? await directory.loadValue(tag) : undefined);
  const width = image.getWidth();
  const height = image.getHeight();
  const bandCount = image.getSamplesPerPixel();
  const sampleType = sampleTypeOf(path, image, bandCount);
  const transform = await geoTransformOf(path, image, load);
  const crs = crsOf(image);
  const nodataText = (await load(TAG.gdalNodata)) as string | undefined;
  const nodata = parseNodata(nodataText);
  const metadataXml = (await load(TAG.gdalMetadata)) as string | undefined;
  const bandNames = bandDescriptions(metadataXml, bandCount);
  const tiled = directory.hasTag("TileWidth");
  await checkBlocksInsideFile(path, load, tiled);
  const overviewCount = (await tiff.getImageCount()) - 1;
  return {
    width,
    height,
    transform,
    crs,
    bandCount,
    bandNames,
    nodata,
    sampleType,
    layout: { tiled, blockWidth: image.getBlockWidth(), blockHeight: image.getBlockHeight(0) },
    compression: Number((await load(TAG.compression)) ?? 1),
    predictor: Number((await load(TAG.predictor)) ?? 1),
    overviewCount,
  };
}

/**
 * A truncated TIFF often keeps its header intact, and geotiff.js would then decode the missing
 * blocks as zeros (uncompressed) or fail with a decoder message; checking every block's extent
 * against the file size turns both into one clear error.
 */
async function checkBlocksInsideFile(
  path: string,
  load: (tag: number) => Promise<unknown>,
  tiled: boolean,
): Promise<void> {
  const offsets = (await load(tiled ? TAG.tileOffsets : TAG.stripOffsets)) as
    | ArrayLike<number | bigint>
    | undefined;
  const counts = (await load(tiled ? TAG.tileByteCounts : TAG.stripByteCounts)) as
    | ArrayLike<number | bigint>
    | undefined;
  if (!offsets || !counts)
    throw new InputError("has no image data (no strip or tile offsets)", { file: path });
  const fileSize = statSync(path).size;
  for (let i = 0; i < offsets.length; i++) {
    const end = Number(offsets[i]) + Number(counts[i] ?? 0);
    if (end > fileSize) {
      throw new InputError(
        `is truncated: ${tiled ? "tile" : "strip"} ${i} ends at byte ${end} but the file has only ${fileSize} bytes`,
        { file: path },
      );
    }
  }
}

function sampleTypeOf(path: string, image: GeoTIFFImage, bandCount: number): SampleType {
  let first: SampleType | undefined;
  for (let band = 0; band < bandCount; band++) {
    const format = image.getSampleFormat(band);
    const bits = image.getBitsPerSample(band);
    const type = sampleTypeFrom(format, bits);
    if (type === undefined) {
      const kind =
        format === 5 || format === 6
          ? "complex"
          : format === 1
            ? "unsigned"
            : format === 2
              ? "signed"
              : "float";
      throw new InputError(
        `band ${band + 1} has an unsupported sample type (${bits}-bit ${kind}); supported: 8/16/32-bit integers, 32/64-bit floats`,
        { file: path },
      );
    }
    if (first !== undefined && type !== first) {
      throw new InputError(`bands have different sample types (${first} and ${type}); not supported`, {
        file: path,
      });
    }
    first = type;
  }
  return first as SampleType;
}

function sampleTypeFrom(format: number, bits: number): SampleType | undefined {
  if (format === 1) return ({ 8: "uint8", 16: "uint16", 32: "uint32" } as const)[bits as 8 | 16 | 32];
  if (format === 2) return ({ 8: "int8", 16: "int16", 32: "int32" } as const)[bits as 8 | 16 | 32];
  if (format === 3) return ({ 32: "float32", 64: "float64" } as const)[bits as 32 | 64];
  return undefined;
}

async function geoTransformOf(
  path: string,
  image: GeoTIFFImage,
  load: (tag: number) => Promise<unknown>,
): Promise<GeoTransform> {
  const matrix = (await load(TAG.modelTransformation)) as number[] | undefined;
  const scale = (await load(TAG.modelPixelScale)) as number[] | undefined;
  const tiepoint = (await load(TAG.modelTiepoint)) as number[] | undefined;
  let transform: GeoTransform;
  if (matrix && matrix.length >= 8) {
    transform = [matrix[3], matrix[0], matrix[1], matrix[7], matrix[4], matrix[5]];
  } else if (scale && tiepoint && scale.length >= 2 && tiepoint.length >= 6) {
    const [i, j, , x, y] = tiepoint;
    transform = [x - i * scale[0], scale[0], 0, y + j * scale[1], 0, -scale[1]];
  } else {
    throw new InputError(
      "has no georeferencing (no ModelTransformation, or ModelPixelScale + ModelTiepoint tags); georeference it first, e.g. with gdal_translate -a_srs/-a_ullr",
      { file: path },
    );
  }
  // GDAL (GTIFF_POINT_GEO_IGNORE=NO, its default) shifts PixelIsPoint rasters by half a cell so
  // that the geotransform always refers to cell corners; do the same so that grids agree with GDAL.
  if (image.getGeoKeys()?.GTRasterTypeGeoKey === 2) {
    transform[0] -= 0.5 * (transform[1] + transform[2]);
    transform[3] -= 0.5 * (transform[4] + transform[5]);
  }
  return transform;
}

function crsOf(image: GeoTIFFImage): Crs {
  const keys = image.getGeoKeys() ?? {};
  const projected = keys.ProjectedCSTypeGeoKey as number | undefined;
  const geographic = keys.GeographicTypeGeoKey as number | undefined;
  const model = keys.GTModelTypeGeoKey as number | undefined;
  const isGeographic =
    model === 2 || (model === undefined && projected === undefined && geographic !== undefined);
  const code = isGeographic ? geographic : projected;
  const crs: Crs = { geographic: isGeographic };
  if (code !== undefined && code !== USER_DEFINED_GEOKEY) crs.epsg = code;
  return crs;
}

function parseNodata(text: string | undefined): number | null {
  if (text === undefined) return null;
  const trimmed = text.replace(/\0/g, "").trim().toLowerCase();
  if (trimmed === "") return null;
  if (trimmed === "nan" || trimmed === "-nan") return Number.NaN;
  if (trimmed === "inf" || trimmed === "+inf") return Number.POSITIVE_INFINITY;
  if (trimmed === "-inf") return Number.NEGATIVE_INFINITY;
  const value = Number(trimmed);
  return Number.isNaN(value) ? null : value;
}

/** Band descriptions from GDAL's `<Item name="DESCRIPTION" sample="N" role="description">` entries. */
function bandDescriptions(xml: string | undefined, bandCount: number): (string | undefined)[] {
  const names: (string | undefined)[] = new Array(bandCount).fill(undefined);
  if (!xml) return names;
  for (const match of xml.matchAll(/<Item\b([^>]*)>([^<]*)<\/Item>/g)) {
    const attributes = match[1];
    if (!/name="DESCRIPTION"/.test(attributes) || !/role="description"/.test(attributes)) continue;
    const sample = /sample="(\d+)"/.exec(attributes);
    if (sample && Number(sample[1]) < bandCount) names[Number(sample[1])] = unescapeXml(match[2]);
  }
  return names;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Bytes per value of each TIFF field type (1 BYTE ... 18 IFD8). */
const FIELD_TYPE_SIZES = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8];

/**
 * GDAL often writes the IFD after the image data, so a file cut short loses its tags, and
 * geotiff.js would then read zeros past the end (a "0-bit" sample type). Checking that the first
 * IFD and its out-of-line values lie inside the file names the real problem.
 */
export function checkFirstIfdInsideFile(path: string): void {
  const fileSize = statSync(path).size;
  const fd = openSync(path, "r");
  try {
    const read = (position: number, length: number): Buffer | undefined => {
      if (position + length > fileSize) return undefined;
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, position);
      return buffer;
    };
    const truncated = (what: string) =>
      new InputError(`is truncated: its ${what} lies past the end of the file (${fileSize} bytes)`, {
        file: path,
      });
    const header = read(0, 16) ?? read(0, 8);
    if (!header) throw new InputError(`is not a TIFF: only ${fileSize} bytes`, { file: path });
    const order = header.toString("latin1", 0, 2);
    if (order !== "II" && order !== "MM")
      throw new InputError("not a readable TIFF (no TIFF byte-order mark)", { file: path });
    const little = order === "II";
    const u16 = (b: Buffer, at: number) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at));
    const u32 = (b: Buffer, at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));
    const u64 = (b: Buffer, at: number) => Number(little ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at));
    const version = u16(header, 2);
    if (version !== 42 && version !== 43)
      throw new InputError(`not a readable TIFF (version ${version})`, { file: path });
    const big = version === 43;
    if (big && header.length < 16) throw truncated("header");
    const ifdOffset = big ? u64(header, 8) : u32(header, 4);
    const countBytes = read(ifdOffset, big ? 8 : 2);
    if (!countBytes) throw truncated("first image directory (IFD)");
    const entries = big ? u64(countBytes, 0) : u16(countBytes, 0);
    const entrySize = big ? 20 : 12;
    const table = read(ifdOffset + countBytes.length, entries * entrySize);
    if (!table) throw truncated("first image directory (IFD)");
    for (let i = 0; i < entries; i++) {
      const at = i * entrySize;
      const valueBytes =
        (FIELD_TYPE_SIZES[u16(table, at + 2)] ?? 0) * (big ? u64(table, at + 4) : u32(table, at + 4));
      const inline = big ? 8 : 4;
      if (valueBytes <= inline) continue;
      const valueOffset = big ? u64(table, at + 12) : u32(table, at + 8);
      if (valueOffset + valueBytes > fileSize) throw truncated(`tag ${u16(table, at)} value`);
    }
  } finally {
    closeSync(fd);
  }
}
