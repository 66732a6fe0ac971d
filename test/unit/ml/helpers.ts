import { readInventory } from "../../../core/ml/dataset.ts";
import { Random } from "../../../core/ml/random.ts";

export const ECUADOR_CSV = new URL("../../../data/ecuador/lsl.csv", import.meta.url).pathname;
export const ECUADOR_TIF = new URL("../../../data/ecuador/ta.tif", import.meta.url).pathname;
export const ECUADOR_FEATURES = ["slope", "cplan", "cprof", "elev", "log10_carea"];
export const FIXTURES = new URL("../../fixtures/ml/", import.meta.url).pathname;

export function ecuador() {
  return readInventory(ECUADOR_CSV, { label: "lslpts", features: ECUADOR_FEATURES, x: "x", y: "y" });
}

/**
 * A synthetic problem with a known, non-linear class boundary and 10 % label noise:
 * label = [x0 + x1 * x2 > 0], flipped for 10 % of rows. Features uniform in [-1, 1]; p >= 3.
 */
export function synthetic(
  n: number,
  p: number,
  seed: number,
): { columns: Float64Array[]; label: Uint8Array } {
  const rng = new Random(seed);
  const columns = Array.from({ length: p }, () => new Float64Array(n));
  const label = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < p; f++) columns[f][i] = 2 * rng.next() - 1;
    const clean = columns[0][i] + columns[1][i] * columns[2][i] > 0 ? 1 : 0;
    label[i] = rng.next() < 0.1 ? 1 - clean : clean;
  }
  return { columns, label };
}
