/**
 * A static 2-D k-d tree for nearest-neighbour queries (local kriging with nmax / a search radius).
 * Built once over the sample coordinates; a query fills caller-owned arrays and allocates nothing.
 */
/** Subtrees this small are scanned linearly: cheaper than descending further. */
const LEAF_SIZE = 8;

export class KdTree {
  private readonly order: Int32Array;
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  /** Query state, reused between calls (a max-heap of the best candidates by squared distance). */
  private heapIndex = new Int32Array(0);
  private heapDistance = new Float64Array(0);
  private heapSize = 0;
  private capacity = 0;

  /** `x`, `y`: sample coordinates. Points with NaN coordinates must be removed before. */
  constructor(x: Float64Array, y: Float64Array) {
    this.x = x;
    this.y = y;
    this.order = new Int32Array(x.length);
    for (let i = 0; i < x.length; i++) this.order[i] = i;
    this.build(0, x.length, 0);
  }

  /** Median split by quickselect: order[lo..hi) is arranged so the middle element splits the axis. */
  private build(lo: number, hi: number, depth: number): void {
    if (hi - lo <= LEAF_SIZE) return;
    const mid = (lo + hi) >> 1;
    const coordinate = depth % 2 === 0 ? this.x : this.y;
    this.select(lo, hi - 1, mid, coordinate);
    this.build(lo, mid, depth + 1);
    this.build(mid + 1, hi, depth + 1);
  }

  private select(lo: number, hi: number, k: number, c: Float64Array): void {
    const order = this.order;
    while (hi > lo) {
      const pivot = c[order[(lo + hi) >> 1]];
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (c[order[i]] < pivot) i++;
        while (c[order[j]] > pivot) j--;
        if (i <= j) {
          const t = order[i];
          order[i] = order[j];
          order[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else return;
    }
  }

  /**
   * Finds up to `k` samples nearest to (qx, qy) within `maxDistance` and writes their indices to
   * `out` (unordered). Returns how many were found. `skip` is a sample index to leave out (for
   * leave-one-out cross-validation), or -1. `boundSquared` is a squared distance within which at
   * least k samples are known to lie (it only speeds the search up).
   */
  nearest(
    qx: number,
    qy: number,
    k: number,
    maxDistance: number,
    out: Int32Array,
    skip = -1,
    boundSquared = Number.POSITIVE_INFINITY,
  ): number {
    if (this.capacity < k) {
      this.capacity = k;
      this.heapIndex = new Int32Array(k);
      this.heapDistance = new Float64Array(k);
    }
    this.heapSize = 0;
    const limit = Math.min(
      boundSquared,
      maxDistance === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : maxDistance * maxDistance,
    );
    this.search(0, this.order.length, 0, qx, qy, k, limit, skip);
    for (let i = 0; i < this.heapSize; i++) out[i] = this.heapIndex[i];
    return this.heapSize;
  }

  private search(
    lo: number,
    hi: number,
    depth: number,
    qx: number,
    qy: number,
    k: number,
    limit: number,
    skip: number,
  ): void {
    while (hi > lo) {
      if (hi - lo <= LEAF_SIZE) {
        this.scanLeaf(lo, hi, qx, qy, k, limit, skip);
        return;
      }
      const mid = (lo + hi) >> 1;
      const index = this.order[mid];
      const dx = qx - this.x[index];
      const dy = qy - this.y[index];
      if (index !== skip) {
        const d2 = dx * dx + dy * dy;
        if (d2 <= limit) this.offer(index, d2, k);
      }
      const delta = depth % 2 === 0 ? dx : dy;
      // Descend into the query's side first; visit the other side only if the splitting line is
      // closer than the current k-th best distance.
      if (delta < 0) this.search(lo, mid, depth + 1, qx, qy, k, limit, skip);
      else this.search(mid + 1, hi, depth + 1, qx, qy, k, limit, skip);
      const worst = this.heapSize < k ? limit : this.heapDistance[0];
      if (delta * delta > worst) return;
      if (delta < 0) lo = mid + 1;
      else hi = mid;
      depth++;
    }
  }

  private scanLeaf(
    lo: number,
    hi: number,
    qx: number,
    qy: number,
    k: number,
    limit: number,
    skip: number,
  ): void {
    for (let m = lo; m < hi; m++) {
      const index = this.order[m];
      if (index === skip) continue;
      const dx = qx - this.x[index];
      const dy = qy - this.y[index];
      const d2 = dx * dx + dy * dy;
      if (d2 <= limit) this.offer(index, d2, k);
    }
  }

  /**
   * Keeps the k best candidates in a max-heap ordered by distance; among equal distances the higher
   * sample index wins, which is the choice gstat makes (checked on meuse.grid cells with ties).
   */
  private offer(index: number, d2: number, k: number): void {
    const hd = this.heapDistance;
    const hi = this.heapIndex;
    if (this.heapSize < k) {
      let i = this.heapSize++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!isWorse(d2, index, hd[parent], hi[parent])) break;
        hd[i] = hd[parent];
        hi[i] = hi[parent];
        i = parent;
      }
      hd[i] = d2;
      hi[i] = index;
      return;
    }
    if (!isWorse(hd[0], hi[0], d2, index)) return;
    // Replace the worst candidate and sift down.
    let i = 0;
    const n = this.heapSize;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && isWorse(hd[right], hi[right], hd[left], hi[left]) ? right : left;
      if (!isWorse(hd[child], hi[child], d2, index)) break;
      hd[i] = hd[child];
      hi[i] = hi[child];
      i = child;
    }
    hd[i] = d2;
    hi[i] = index;
  }
}

function isWorse(distanceA: number, indexA: number, distanceB: number, indexB: number): boolean {
  return distanceA > distanceB || (distanceA === distanceB && indexA < indexB);
}
