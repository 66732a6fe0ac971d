// Elementwise kernels of the autodiff graph: one tight loop per function and its derivative.

export function sigmoid(a: number): number {
  if (a >= 0) return 1 / (1 + Math.exp(-a));
  const e = Math.exp(a);
  return e / (1 + e);
}

export function softplus(a: number): number {
  return Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)));
}

/** Elementwise functions of one tensor; the derivative is computed from the input and the output. */
export const UNARY_NAMES = [
  "tanh",
  "sigmoid",
  "softplus",
  "logSigmoid",
  "exp",
  "log",
  "tan",
  "square",
  "log1mexp",
] as const;
export type UnaryName = (typeof UNARY_NAMES)[number];

// One tight loop per function (a switch per element would cost as much as the arithmetic).
export function unaryForward(kind: number, A: Float64Array, C: Float64Array): void {
  const n = C.length;
  switch (kind) {
    case 0:
      for (let i = 0; i < n; i++) C[i] = Math.tanh(A[i]);
      return;
    case 1:
      for (let i = 0; i < n; i++) C[i] = sigmoid(A[i]);
      return;
    case 2:
      for (let i = 0; i < n; i++) C[i] = softplus(A[i]);
      return;
    case 3:
      for (let i = 0; i < n; i++) C[i] = -softplus(-A[i]);
      return;
    case 4:
      for (let i = 0; i < n; i++) C[i] = Math.exp(A[i]);
      return;
    case 5:
      for (let i = 0; i < n; i++) C[i] = Math.log(A[i]);
      return;
    case 6:
      for (let i = 0; i < n; i++) C[i] = Math.tan(A[i]);
      return;
    case 7:
      for (let i = 0; i < n; i++) C[i] = A[i] * A[i];
      return;
    default:
      // log(1 - e^a) for a < 0, in the two forms that keep it accurate (Maechler 2012).
      for (let i = 0; i < n; i++) {
        const a = A[i];
        C[i] = a > -Math.LN2 ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a));
      }
  }
}

/** GA += G * f'(A), the derivative written with the input A and/or the output C. */
export function unaryBackward(
  kind: number,
  A: Float64Array,
  C: Float64Array,
  G: Float64Array,
  GA: Float64Array,
): void {
  const n = C.length;
  switch (kind) {
    case 0:
      for (let i = 0; i < n; i++) GA[i] += G[i] * (1 - C[i] * C[i]);
      return;
    case 1:
      for (let i = 0; i < n; i++) GA[i] += G[i] * C[i] * (1 - C[i]);
      return;
    case 2:
      for (let i = 0; i < n; i++) GA[i] += G[i] * sigmoid(A[i]);
      return;
    case 3:
      for (let i = 0; i < n; i++) GA[i] += G[i] * sigmoid(-A[i]);
      return;
    case 4:
      for (let i = 0; i < n; i++) GA[i] += G[i] * C[i];
      return;
    case 5:
      for (let i = 0; i < n; i++) GA[i] += G[i] / A[i];
      return;
    case 6:
      for (let i = 0; i < n; i++) GA[i] += G[i] * (1 + C[i] * C[i]);
      return;
    case 7:
      for (let i = 0; i < n; i++) GA[i] += 2 * G[i] * A[i];
      return;
    default:
      for (let i = 0; i < n; i++) GA[i] -= G[i] / Math.expm1(-A[i]);
  }
}
