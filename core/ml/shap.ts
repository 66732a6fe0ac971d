import type { Forest } from "./forest.ts";
import type { Tree } from "./tree.ts";

/**
 * Exact TreeSHAP (Lundberg, Erion & Lee 2018, "Consistent individualized feature attribution for
 * tree ensembles", Algorithm 2; the same recursion as the shap package's tree_shap.h) for the
 * forest's class-1 probability. For every row, expectedValue + sum(shap) equals the prediction up
 * to rounding. Node covers (bootstrap-weighted training counts) define the background distribution.
 */
export interface ShapResult {
  /** Mean over trees of the root probability: the prediction when no feature is known. */
  expectedValue: number;
  /** Row-major rowCount x featureCount SHAP values. */
  values: Float64Array;
}

/** Path buffers of one tree walk; position k of recursion level l lives at offset(l) + k. */
class PathBuffers {
  readonly feature: Int32Array;
  readonly zero: Float64Array;
  readonly one: Float64Array;
  readonly weight: Float64Array;
  constructor(maxDepth: number) {
    const size = ((maxDepth + 2) * (maxDepth + 3)) / 2;
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.weight = new Float64Array(size);
  }
}

export function forestShap(forest: Forest, columns: ArrayLike<number>[], rowCount: number): ShapResult {
  const p = forest.featureCount;
  const values = new Float64Array(rowCount * p);
  const phi = new Float64Array(p);
  const x = new Float64Array(p);
  const scale = 1 / forest.trees.length;
  let expectedValue = 0;
  for (const tree of forest.trees) {
    expectedValue += tree.probability[0] * scale;
    const path = new PathBuffers(treeDepth(tree));
    for (let row = 0; row < rowCount; row++) {
      for (let f = 0; f < p; f++) x[f] = columns[f][row];
      phi.fill(0);
      recurse(tree, x, phi, path, 0, 0, 0, 1, 1, -1);
      for (let f = 0; f < p; f++) values[row * p + f] += phi[f] * scale;
    }
  }
  return { expectedValue, values };
}

function treeDepth(tree: Tree): number {
  const depth = new Int32Array(tree.feature.length);
  let max = 0;
  for (let node = 0; node < tree.feature.length; node++) {
    if (tree.feature[node] < 0) continue;
    depth[tree.left[node]] = depth[node] + 1;
    depth[tree.right[node]] = depth[node] + 1;
    max = Math.max(max, depth[node] + 1);
  }
  return max;
}

function recurse(
  tree: Tree,
  x: Float64Array,
  phi: Float64Array,
  path: PathBuffers,
  parentOffset: number,
  node: number,
  depth: number,
  zeroFraction: number,
  oneFraction: number,
  featureIndex: number,
): void {
  // Copy the parent's path (depth + 1 elements... the parent had `depth` of them) to this level.
  const offset = parentOffset + depth;
  path.feature.copyWithin(offset, parentOffset, parentOffset + depth);
  path.zero.copyWithin(offset, parentOffset, parentOffset + depth);
  path.one.copyWithin(offset, parentOffset, parentOffset + depth);
  path.weight.copyWithin(offset, parentOffset, parentOffset + depth);
  extendPath(path, offset, depth, zeroFraction, oneFraction, featureIndex);
  const split = tree.feature[node];
  if (split < 0) {
    const value = tree.probability[node];
    for (let i = 1; i <= depth; i++) {
      const w = unwoundPathSum(path, offset, depth, i);
      phi[path.feature[offset + i]] += w * (path.one[offset + i] - path.zero[offset + i]) * value;
    }
    return;
  }
  const goesLeft = x[split] <= tree.threshold[node];
  const hot = goesLeft ? tree.left[node] : tree.right[node];
  const cold = goesLeft ? tree.right[node] : tree.left[node];
  const cover = tree.cover[node];
  let incomingZero = 1;
  let incomingOne = 1;
  let uniqueDepth = depth;
  let k = 0;
  while (k <= uniqueDepth && path.feature[offset + k] !== split) k++;
  if (k <= uniqueDepth) {
    // Already split on this feature higher up: undo that split so it is redone here.
    incomingZero = path.zero[offset + k];
    incomingOne = path.one[offset + k];
    unwindPath(path, offset, uniqueDepth, k);
    uniqueDepth--;
  }
  recurse(
    tree,
    x,
    phi,
    path,
    offset,
    hot,
    uniqueDepth + 1,
    (tree.cover[hot] / cover) * incomingZero,
    incomingOne,
    split,
  );
  recurse(
    tree,
    x,
    phi,
    path,
    offset,
    cold,
    uniqueDepth + 1,
    (tree.cover[cold] / cover) * incomingZero,
    0,
    split,
  );
}

function extendPath(
  path: PathBuffers,
  o: number,
  depth: number,
  zeroFraction: number,
  oneFraction: number,
  featureIndex: number,
): void {
  const w = path.weight;
  path.feature[o + depth] = featureIndex;
  path.zero[o + depth] = zeroFraction;
  path.one[o + depth] = oneFraction;
  w[o + depth] = depth === 0 ? 1 : 0;
  for (let i = depth - 1; i >= 0; i--) {
    w[o + i + 1] += (oneFraction * w[o + i] * (i + 1)) / (depth + 1);
    w[o + i] = (zeroFraction * w[o + i] * (depth - i)) / (depth + 1);
  }
}

function unwindPath(path: PathBuffers, o: number, depth: number, index: number): void {
  const w = path.weight;
  const one = path.one[o + index];
  const zero = path.zero[o + index];
  let next = w[o + depth];
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const tmp = w[o + i];
      w[o + i] = (next * (depth + 1)) / ((i + 1) * one);
      next = tmp - (w[o + i] * zero * (depth - i)) / (depth + 1);
    } else {
      w[o + i] = (w[o + i] * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = index; i < depth; i++) {
    path.feature[o + i] = path.feature[o + i + 1];
    path.zero[o + i] = path.zero[o + i + 1];
    path.one[o + i] = path.one[o + i + 1];
  }
}

function unwoundPathSum(path: PathBuffers, o: number, depth: number, index: number): number {
  const w = path.weight;
  const one = path.one[o + index];
  const zero = path.zero[o + index];
  let next = w[o + depth];
  let total = 0;
  if (one !== 0) {
    for (let i = depth - 1; i >= 0; i--) {
      const tmp = next / ((i + 1) * one);
      total += tmp;
      next = w[o + i] - tmp * zero * (depth - i);
    }
  } else {
    for (let i = depth - 1; i >= 0; i--) total += w[o + i] / (zero * (depth - i));
  }
  return total * (depth + 1);
}
