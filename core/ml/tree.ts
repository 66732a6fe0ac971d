import { MAX_BINS } from "./binning.ts";
import type { Random } from "./random.ts";

/**
 * One classification tree in flat arrays (node 0 is the root). Inner nodes send a row left when
 * `value[feature] <= threshold`. Leaves have feature -1. `cover` is the (bootstrap-weighted)
 * number of training rows that reached the node and `probability` their share of class 1:
 * TreeSHAP needs both.
 */
export interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  probability: Float64Array;
  cover: Float64Array;
}

export interface TreeGrowthParams {
  /** Features tried at each split. */
  mtry: number;
  /** Minimum (bootstrap-weighted) number of rows in a leaf, as scikit-learn's min_samples_leaf. */
  minNodeSize: number;
  /** Maximum depth; Infinity grows full trees. */
  maxDepth: number;
}

export interface GrowInput {
  codes: Uint8Array[];
  binMin: Float64Array[];
  binMax: Float64Array[];
  label: Uint8Array;
  /** Bootstrap count (or 0/1 subsample indicator) of every row. */
  weight: Uint16Array;
}

/** Reusable scratch buffers, so that growing many trees allocates once. */
class Scratch {
  readonly hist0 = new Float64Array(MAX_BINS);
  readonly hist1 = new Float64Array(MAX_BINS);
  readonly featureOrder: Int32Array;
  constructor(featureCount: number) {
    this.featureOrder = Int32Array.from({ length: featureCount }, (_, i) => i);
  }
}

interface Split {
  feature: number;
  /** Rows with bin <= `bin` go left; `nextBin` is the first non-empty bin of the right child. */
  bin: number;
  nextBin: number;
  left0: number;
  left1: number;
}

/** Grows one tree on the rows with weight > 0 (Gini impurity, histogram split search). */
export function growTree(input: GrowInput, params: TreeGrowthParams, rng: Random): Tree {
  const { label, weight } = input;
  const rows: number[] = [];
  for (let i = 0; i < weight.length; i++) if (weight[i] > 0) rows.push(i);
  const index = Int32Array.from(rows);
  const capacity = 2 * index.length + 1;
  const tree: Tree = {
    feature: new Int32Array(capacity).fill(-1),
    threshold: new Float64Array(capacity),
    left: new Int32Array(capacity).fill(-1),
    right: new Int32Array(capacity).fill(-1),
    probability: new Float64Array(capacity),
    cover: new Float64Array(capacity),
  };
  const scratch = new Scratch(input.codes.length);
  let w0 = 0;
  let w1 = 0;
  for (const i of index) {
    if (label[i] === 1) w1 += weight[i];
    else w0 += weight[i];
  }
  // Explicit stack of pending nodes: (node id, start, end, class weights, depth).
  const stack: [number, number, number, number, number, number][] = [[0, 0, index.length, w0, w1, 0]];
  let nodeCount = 1;
  while (stack.length > 0) {
    const [node, start, end, n0, n1, depth] = stack.pop() as [number, number, number, number, number, number];
    tree.cover[node] = n0 + n1;
    tree.probability[node] = n1 / (n0 + n1);
    if (n0 === 0 || n1 === 0 || depth >= params.maxDepth || n0 + n1 < 2 * params.minNodeSize) continue;
    const split = findSplit(input, index, start, end, n0, n1, params, rng, scratch);
    if (!split) continue;
    const middle = partition(index, start, end, input.codes[split.feature], split.bin);
    const leftId = nodeCount++;
    const rightId = nodeCount++;
    tree.feature[node] = split.feature;
    // Midway between the largest value going left and the smallest going right, as exact
    // split search (scikit-learn) does: a threshold hugging one side would bias predictions
    // for values between the two, which spatial CV exposes.
    tree.threshold[node] = midpoint(
      input.binMax[split.feature][split.bin],
      input.binMin[split.feature][split.nextBin],
    );
    tree.left[node] = leftId;
    tree.right[node] = rightId;
    stack.push([rightId, middle, end, n0 - split.left0, n1 - split.left1, depth + 1]);
    stack.push([leftId, start, middle, split.left0, split.left1, depth + 1]);
  }
  return shrink(tree, nodeCount);
}

function findSplit(
  input: GrowInput,
  index: Int32Array,
  start: number,
  end: number,
  n0: number,
  n1: number,
  params: TreeGrowthParams,
  rng: Random,
  scratch: Scratch,
): Split | null {
  const { hist0, hist1, featureOrder } = scratch;
  const { label, weight } = input;
  const total = n0 + n1;
  let bestScore = Number.NEGATIVE_INFINITY;
  let best: Split | null = null;
  let informative = 0;
  // Draw features without replacement until mtry non-constant ones were examined (as scikit-learn).
  for (let drawn = 0; drawn < featureOrder.length && informative < params.mtry; drawn++) {
    const pick = drawn + rng.int(featureOrder.length - drawn);
    const feature = featureOrder[pick];
    featureOrder[pick] = featureOrder[drawn];
    featureOrder[drawn] = feature;
    const codes = input.codes[feature];
    let minBin = MAX_BINS;
    let maxBin = -1;
    for (let k = start; k < end; k++) {
      const i = index[k];
      const bin = codes[i];
      if (label[i] === 1) hist1[bin] += weight[i];
      else hist0[bin] += weight[i];
      if (bin < minBin) minBin = bin;
      if (bin > maxBin) maxBin = bin;
    }
    if (minBin === maxBin) {
      hist0[minBin] = 0;
      hist1[minBin] = 0;
      continue;
    }
    informative++;
    let left0 = 0;
    let left1 = 0;
    let previous = -1;
    for (let bin = minBin; bin <= maxBin; bin++) {
      const count0 = hist0[bin];
      const count1 = hist1[bin];
      if (count0 === 0 && count1 === 0) continue;
      const leftN = left0 + left1;
      const rightN = total - leftN;
      if (previous >= 0 && leftN >= params.minNodeSize && rightN >= params.minNodeSize) {
        const right0 = n0 - left0;
        const right1 = n1 - left1;
        // Minimising weighted Gini impurity == maximising sum over children of (sum_k n_k^2) / n.
        const score = (left0 * left0 + left1 * left1) / leftN + (right0 * right0 + right1 * right1) / rightN;
        if (score > bestScore + 1e-12 * total) {
          bestScore = score;
          best = { feature, bin: previous, nextBin: bin, left0, left1 };
        }
      }
      left0 += count0;
      left1 += count1;
      previous = bin;
    }
    hist0.fill(0, minBin, maxBin + 1);
    hist1.fill(0, minBin, maxBin + 1);
  }
  return best;
}

/** Moves rows whose bin is <= `bin` to the front of [start, end); returns the first right row. */
function partition(index: Int32Array, start: number, end: number, codes: Uint8Array, bin: number): number {
  let i = start;
  let j = end - 1;
  while (i <= j) {
    if (codes[index[i]] <= bin) i++;
    else {
      const tmp = index[i];
      index[i] = index[j];
      index[j] = tmp;
      j--;
    }
  }
  return i;
}

/** Midpoint that stays strictly below `b` even when a and b are adjacent doubles. */
function midpoint(a: number, b: number): number {
  const m = a + (b - a) / 2;
  return m >= b ? a : m;
}

function shrink(tree: Tree, n: number): Tree {
  return {
    feature: tree.feature.slice(0, n),
    threshold: tree.threshold.slice(0, n),
    left: tree.left.slice(0, n),
    right: tree.right.slice(0, n),
    probability: tree.probability.slice(0, n),
    cover: tree.cover.slice(0, n),
  };
}

/** Probability of class 1 for one row given as a feature accessor. */
export function leafOf(tree: Tree, value: (feature: number) => number): number {
  let node = 0;
  while (tree.feature[node] >= 0) {
    node = value(tree.feature[node]) <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  }
  return node;
}
