import { deriveSeed, Random } from "./random.ts";

export type PartitionKind = "spatial" | "random";

/**
 * Random k-fold, stratified by class: landslides and non-landslides are shuffled separately and
 * dealt round-robin into k folds, so every fold keeps the class balance (and both classes).
 */
export function randomFolds(label: ArrayLike<number>, k: number, rng: Random): Int32Array {
  const n = label.length;
  const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const fold = new Int32Array(n);
  let dealt = 0;
  for (const cls of [1, 0]) {
    for (const row of order) {
      if (label[row] !== cls) continue;
      fold[row] = dealt % k;
      dealt++;
    }
  }
  return fold;
}

/**
 * Spatial folds as mlr3spatiotempcv's spcv_coords (Brenning 2012): k-means clustering of the
 * point coordinates into k clusters, each cluster one test fold. Lloyd iterations from a
 * k-means++ start; an empty cluster is re-seeded at the point farthest from its centre.
 */
export function spatialFolds(x: ArrayLike<number>, y: ArrayLike<number>, k: number, rng: Random): Int32Array {
  const n = x.length;
  const cx = new Float64Array(k);
  const cy = new Float64Array(k);
  kMeansPlusPlus(x, y, cx, cy, rng);
  const fold = new Int32Array(n).fill(-1);
  for (let iteration = 0; iteration < 100; iteration++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      const nearest = nearestCentre(x[i], y[i], cx, cy);
      if (nearest !== fold[i]) {
        fold[i] = nearest;
        changed = true;
      }
    }
    if (!changed) break;
    updateCentres(x, y, fold, cx, cy);
  }
  return fold;
}

function kMeansPlusPlus(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  cx: Float64Array,
  cy: Float64Array,
  rng: Random,
): void {
  const n = x.length;
  const distance = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let chosen = rng.int(n);
  for (let c = 0; c < cx.length; c++) {
    cx[c] = x[chosen];
    cy[c] = y[chosen];
    let total = 0;
    for (let i = 0; i < n; i++) {
      distance[i] = Math.min(distance[i], (x[i] - cx[c]) ** 2 + (y[i] - cy[c]) ** 2);
      total += distance[i];
    }
    // Next centre drawn with probability proportional to squared distance to the nearest centre.
    let target = rng.next() * total;
    chosen = n - 1;
    for (let i = 0; i < n; i++) {
      target -= distance[i];
      if (target < 0) {
        chosen = i;
        break;
      }
    }
  }
}

function nearestCentre(px: number, py: number, cx: Float64Array, cy: Float64Array): number {
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let c = 0; c < cx.length; c++) {
    const d = (px - cx[c]) ** 2 + (py - cy[c]) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best;
}

function updateCentres(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  fold: Int32Array,
  cx: Float64Array,
  cy: Float64Array,
): void {
  const k = cx.length;
  const count = new Float64Array(k);
  cx.fill(0);
  cy.fill(0);
  for (let i = 0; i < fold.length; i++) {
    count[fold[i]]++;
    cx[fold[i]] += x[i];
    cy[fold[i]] += y[i];
  }
  for (let c = 0; c < k; c++) {
    if (count[c] === 0) continue;
    cx[c] /= count[c];
    cy[c] /= count[c];
  }
  for (let c = 0; c < k; c++) {
    if (count[c] > 0) continue;
    // Empty cluster: move it to the point farthest from the centre of its cluster.
    let far = 0;
    let farDistance = -1;
    for (let i = 0; i < fold.length; i++) {
      const d = (x[i] - cx[fold[i]]) ** 2 + (y[i] - cy[fold[i]]) ** 2;
      if (d > farDistance) {
        farDistance = d;
        far = i;
      }
    }
    cx[c] = x[far];
    cy[c] = y[far];
  }
}

/** Fold ids for repetition `repetition` of a protocol; each repetition draws from its own seed. */
export function makeFolds(
  kind: PartitionKind,
  points: { x: ArrayLike<number>; y: ArrayLike<number>; label: ArrayLike<number> },
  k: number,
  seed: number,
  repetition: number,
): Int32Array {
  const rng = new Random(deriveSeed(seed, repetition));
  return kind === "spatial" ? spatialFolds(points.x, points.y, k, rng) : randomFolds(points.label, k, rng);
}
