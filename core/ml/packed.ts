import type { Forest } from "./forest.ts";

/**
 * A forest laid out for fast prediction: all trees in one buffer, 16 bytes per node (a Float64
 * threshold, or the leaf probability, then the Int32 feature, -1 for a leaf, and the Int32 left
 * child; the right child is left + 1). One cache line holds a node and its sibling, which matters
 * for 1.44 Mpx x 100 trees x ~25 levels. The buffer can be a SharedArrayBuffer for worker threads.
 */
export interface PackedForest {
  buffer: ArrayBuffer | SharedArrayBuffer;
  /** Global node index of each tree's root. */
  roots: Int32Array;
  featureCount: number;
}

export function packForest(forest: Forest, shared = false): PackedForest {
  const total = forest.trees.reduce((sum, tree) => sum + tree.feature.length, 0);
  const buffer = shared ? new SharedArrayBuffer(total * 16) : new ArrayBuffer(total * 16);
  const real = new Float64Array(buffer);
  const int = new Int32Array(buffer);
  const roots = new Int32Array(forest.trees.length);
  let offset = 0;
  forest.trees.forEach((tree, t) => {
    roots[t] = offset;
    for (let node = 0; node < tree.feature.length; node++) {
      const g = offset + node;
      const leaf = tree.feature[node] < 0;
      if (!leaf && tree.right[node] !== tree.left[node] + 1)
        throw new Error("packForest: right child must follow left child");
      real[2 * g] = leaf ? tree.probability[node] : tree.threshold[node];
      int[4 * g + 2] = leaf ? -1 : tree.feature[node];
      int[4 * g + 3] = leaf ? -1 : offset + tree.left[node];
    }
    offset += tree.feature.length;
  });
  return { buffer, roots, featureCount: forest.featureCount };
}

/**
 * Mean tree probability for `rowCount` rows stored row-major in `rows` (featureCount values per
 * row); rows with a NaN feature get NaN. Trees are walked tree-major over blocks of rows so that
 * each tree's upper levels stay in cache.
 */
export function predictPacked(
  packed: PackedForest,
  rows: Float64Array,
  rowCount: number,
  out: Float64Array,
): void {
  const real = new Float64Array(packed.buffer);
  const int = new Int32Array(packed.buffer);
  const p = packed.featureCount;
  const scale = 1 / packed.roots.length;
  // Large blocks: a full-depth tree has ~10^4 nodes, so each node must serve many rows per load;
  // 32768 rows measured ~25 % faster than 2048 (rows are streamed, the tree is what misses cache).
  const block = 32768;
  for (let b0 = 0; b0 < rowCount; b0 += block) {
    const b1 = Math.min(rowCount, b0 + block);
    out.fill(0, b0, b1);
    for (let t = 0; t < packed.roots.length; t++) {
      const root = packed.roots[t];
      let i = b0;
      // Four independent rows at a time, branch-free: the CPU overlaps their memory loads
      // instead of stalling on one dependent chain and mispredicting half the comparisons.
      for (; i + 4 <= b1; i += 4) {
        const r0 = i * p;
        const r1 = r0 + p;
        const r2 = r1 + p;
        const r3 = r2 + p;
        let g0 = root;
        let g1 = root;
        let g2 = root;
        let g3 = root;
        let active = true;
        while (active) {
          active = false;
          const f0 = int[4 * g0 + 2];
          const f1 = int[4 * g1 + 2];
          const f2 = int[4 * g2 + 2];
          const f3 = int[4 * g3 + 2];
          if (f0 >= 0) {
            g0 = int[4 * g0 + 3] + +(rows[r0 + f0] > real[2 * g0]);
            active = true;
          }
          if (f1 >= 0) {
            g1 = int[4 * g1 + 3] + +(rows[r1 + f1] > real[2 * g1]);
            active = true;
          }
          if (f2 >= 0) {
            g2 = int[4 * g2 + 3] + +(rows[r2 + f2] > real[2 * g2]);
            active = true;
          }
          if (f3 >= 0) {
            g3 = int[4 * g3 + 3] + +(rows[r3 + f3] > real[2 * g3]);
            active = true;
          }
        }
        out[i] += real[2 * g0];
        out[i + 1] += real[2 * g1];
        out[i + 2] += real[2 * g2];
        out[i + 3] += real[2 * g3];
      }
      for (; i < b1; i++) {
        const base = i * p;
        let g = root;
        let feature = int[4 * g + 2];
        while (feature >= 0) {
          g = int[4 * g + 3] + +(rows[base + feature] > real[2 * g]);
          feature = int[4 * g + 2];
        }
        out[i] += real[2 * g];
      }
    }
    for (let i = b0; i < b1; i++) {
      out[i] *= scale;
      for (let f = 0; f < p; f++) {
        if (Number.isNaN(rows[i * p + f])) {
          out[i] = Number.NaN;
          break;
        }
      }
    }
  }
}
