import { fileURLToPath } from "node:url";
import { readNumericCsv } from "../../../core/geostat/samples.ts";

export const fixtureDir = fileURLToPath(new URL("../../fixtures/geostat/", import.meta.url));
export const fixture = (name: string) => `${fixtureDir}${name}`;

/** Reads every column of a numeric fixture CSV written by make-fixtures.R. */
export function readFixture(name: string, columns: string[]): Record<string, Float64Array> {
  return readNumericCsv(fixture(name), columns).columns;
}

/** log(zinc) at the 155 meuse samples, as the gstat reference uses it. */
export function meuseLogZinc() {
  const { x, y, zinc, dist } = readFixture("meuse.csv", ["x", "y", "zinc", "dist"]);
  return { x, y, z: zinc.map(Math.log), dist };
}

/** Largest |a - b| / |b| over two arrays. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  return worst;
}
