/**
 * Dense symmetric positive-definite helpers on row-major Float64Arrays of stride `n`, in place and
 * without allocation, so that a kriging loop can reuse one buffer per system size.
 */

/**
 * Cholesky factorisation A = L Lᵀ in place (lower triangle receives L; the upper one is left as is).
 * Returns false when a pivot is not positive relative to the diagonal (singular or not SPD).
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let diagonal = a[rowJ + j];
    for (let k = 0; k < j; k++) diagonal -= a[rowJ + k] * a[rowJ + k];
    // A pivot that has lost all but ~1e-12 of the original diagonal means the matrix is numerically
    // singular (e.g. two samples at one location with no nugget): report it instead of amplifying noise.
    if (!(diagonal > 1e-12 * Math.abs(a[rowJ + j]))) return false;
    const pivot = Math.sqrt(diagonal);
    a[rowJ + j] = pivot;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let value = a[rowI + j];
      for (let k = 0; k < j; k++) value -= a[rowI + k] * a[rowJ + k];
      a[rowI + j] = value / pivot;
    }
  }
  return true;
}

/** Solves L Lᵀ x = b in place in `b` (length n), L from choleskyInPlace. */
export function choleskySolveInPlace(l: Float64Array, n: number, b: Float64Array, offset = 0): void {
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let value = b[offset + i];
    for (let k = 0; k < i; k++) value -= l[row + k] * b[offset + k];
    b[offset + i] = value / l[row + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let value = b[offset + i];
    for (let k = i + 1; k < n; k++) value -= l[k * n + i] * b[offset + k];
    b[offset + i] = value / l[i * n + i];
  }
}

/** Solves the small symmetric system M x = r (M p x p, SPD) with a scratch copy; returns false if singular. */
export function solveSmallSpd(m: Float64Array, p: number, r: Float64Array, scratch: Float64Array): boolean {
  for (let i = 0; i < p * p; i++) scratch[i] = m[i];
  if (!choleskyInPlace(scratch, p)) return false;
  choleskySolveInPlace(scratch, p, r);
  return true;
}
