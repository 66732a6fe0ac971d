import { binFeatures } from "./binning.ts";
import { packForest, predictPacked } from "./packed.ts";
import { deriveSeed, Random } from "./random.ts";
import { type GrowInput, growTree, type Tree } from "./tree.ts";

export interface ForestParams {
  numTrees: number;
  /** Features tried per split; default floor(sqrt(p)) as ranger and scikit-learn. */
  mtry?: number;
  /** Minimum bootstrap-weighted rows per leaf (scikit-learn min_samples_leaf). */
  minNodeSize: number;
  /** Rows drawn per tree, as a fraction of the training rows (ranger sample.fraction). */
  sampleFraction: number;
  /** Draw with replacement (bootstrap) or without (subsampling). */
  replace: boolean;
  maxDepth?: number;
  seed: number;
}

export interface Forest {
  featureCount: number;
  trees: Tree[];
}

export interface OutOfBag {
  /** OOB probability per training row (NaN for a row that was in every bag). */
  probability: Float64Array;
}

/** What one worker (or the main thread) needs to grow a set of trees. */
export interface GrowJob {
  columns: Float64Array[];
  codes: Uint8Array[];
  binMin: Float64Array[];
  binMax: Float64Array[];
  label: Uint8Array;
  params: ForestParams;
  treeIds: number[];
}

export interface GrowResult {
  trees: Tree[];
  oobSum: Float64Array;
  oobCount: Uint32Array;
}

export function resolvedMtry(params: ForestParams, featureCount: number): number {
  const mtry = params.mtry ?? Math.max(1, Math.floor(Math.sqrt(featureCount)));
  return Math.min(Math.max(1, Math.round(mtry)), featureCount);
}

export function prepareJob(
  columns: Float64Array[],
  label: Uint8Array,
  params: ForestParams,
): Omit<GrowJob, "treeIds"> {
  const { codes, binMin, binMax } = binFeatures(columns);
  return { columns, codes, binMin, binMax, label, params };
}

/** Grows the trees of `job.treeIds`; tree t always uses the seed derived from (seed, t), so the forest does not depend on how trees are spread over threads. */
export function growTrees(job: GrowJob, onTree?: () => void): GrowResult {
  const n = job.label.length;
  const featureCount = job.codes.length;
  const growth = {
    mtry: resolvedMtry(job.params, featureCount),
    minNodeSize: job.params.minNodeSize,
    maxDepth: job.params.maxDepth ?? Number.POSITIVE_INFINITY,
  };
  const oobSum = new Float64Array(n);
  const oobCount = new Uint32Array(n);
  const weight = new Uint16Array(n);
  const trees: Tree[] = [];
  for (const t of job.treeIds) {
    const rng = new Random(deriveSeed(job.params.seed, t));
    drawSample(weight, job.params, rng);
    const input: GrowInput = {
      codes: job.codes,
      binMin: job.binMin,
      binMax: job.binMax,
      label: job.label,
      weight,
    };
    const tree = growTree(input, growth, rng);
    trees.push(tree);
    for (let i = 0; i < n; i++) {
      if (weight[i] !== 0) continue;
      oobSum[i] += tree.probability[leafOfRow(tree, job.columns, i)];
      oobCount[i]++;
    }
    onTree?.();
  }
  return { trees, oobSum, oobCount };
}

function drawSample(weight: Uint16Array, params: ForestParams, rng: Random): void {
  const n = weight.length;
  const size = Math.max(1, Math.round(params.sampleFraction * n));
  weight.fill(0);
  if (params.replace) {
    for (let k = 0; k < size; k++) weight[rng.int(n)]++;
    return;
  }
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < Math.min(size, n); k++) {
    const pick = k + rng.int(n - k);
    const chosen = order[pick];
    order[pick] = order[k];
    order[k] = chosen;
    weight[chosen] = 1;
  }
}

function leafOfRow(tree: Tree, columns: ArrayLike<number>[], row: number): number {
  let node = 0;
  while (tree.feature[node] >= 0) {
    node = columns[tree.feature[node]][row] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  }
  return node;
}

/** Mean class-1 probability of the forest's trees for each row (as scikit-learn predict_proba). */
export function predictForest(forest: Forest, columns: ArrayLike<number>[], rowCount: number): Float64Array {
  const out = new Float64Array(rowCount);
  predictPacked(packForest(forest), toRowMajor(columns, rowCount), rowCount, out);
  return out;
}

export function toRowMajor(
  columns: ArrayLike<number>[],
  rowCount: number,
  buffer?: SharedArrayBuffer,
): Float64Array {
  const p = columns.length;
  const rows = buffer ? new Float64Array(buffer, 0, rowCount * p) : new Float64Array(rowCount * p);
  columns.forEach((column, f) => {
    for (let i = 0; i < rowCount; i++) rows[i * p + f] = column[i];
  });
  return rows;
}

export function combineOutOfBag(results: GrowResult[], n: number): OutOfBag {
  const probability = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let count = 0;
    for (const r of results) {
      sum += r.oobSum[i];
      count += r.oobCount[i];
    }
    probability[i] = count > 0 ? sum / count : Number.NaN;
  }
  return { probability };
}
