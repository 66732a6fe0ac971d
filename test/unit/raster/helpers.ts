import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const fixtureDir = fileURLToPath(new URL("../../fixtures/raster/", import.meta.url));

export function fixture(name: string): string {
  return `${fixtureDir}${name}`;
}

/** What GDAL reads from each fixture (written by test/fixtures/raster/make_fixtures.py); NaN is null. */
export interface GdalView {
  width: number;
  height: number;
  geotransform: number[];
  epsg: number | null;
  geographic: boolean | null;
  nodata: number | "nan" | null;
  dataType: string;
  bandNames: (string | null)[];
  bands: (number | null)[][];
}

const expected = JSON.parse(readFileSync(fixture("expected.json"), "utf8"));
const { sha256, ...views } = expected;
export const gdalViews: Record<string, GdalView> = views;
/** SHA-256 of GDAL's decoded samples (native byte order) of fixtures too big to list value by value. */
export const gdalSha256: Record<string, string> = sha256;
