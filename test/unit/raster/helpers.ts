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

export const gdalViews: Record<string, GdalView> = JSON.parse(readFileSync(fixture("expected.json"), "utf8"));
