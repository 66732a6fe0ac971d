/**
 * Seeded pseudo-random numbers (mulberry32): small, fast and reproducible across platforms, so a
 * model trained with `--seed 1` is bit-identical on a laptop, in a Lambda and in a Batch job.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    // Mix the seed so that consecutive seeds (tree 0, tree 1, ...) give unrelated streams.
    this.state = hashSeed(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: number }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = values[i];
      values[i] = values[j];
      values[j] = tmp;
    }
    return values;
  }
}

/** Derives an independent seed for a sub-task (one tree, one fold, one repetition). */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = hashSeed(seed);
  for (const part of parts) h = hashSeed(h ^ Math.imul(part + 1, 0x9e3779b1));
  return h;
}

function hashSeed(seed: number): number {
  let h = (seed | 0) ^ 0x5bd1e995;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
