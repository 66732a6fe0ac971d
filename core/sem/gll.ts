/**
 * Gauss-Lobatto-Legendre (GLL) points, weights and Lagrange-derivative matrix on [-1, 1].
 * The SEM interpolates on these points and integrates with these weights, which makes the mass
 * matrix diagonal (Komatitsch & Vilotte 1998; Canuto et al. 1988, ch. 2).
 */
export interface GllBasis {
  ngll: number;
  points: Float64Array;
  weights: Float64Array;
  /** derivative[i * ngll + l] = h'_l(points[i]): the derivative of Lagrange polynomial l at point i. */
  derivative: Float64Array;
}

/** Legendre polynomial P_n(x) and its derivative, by the three-term recurrence. */
function legendre(n: number, x: number): [number, number] {
  let previous = 1;
  let current = x;
  if (n === 0) return [1, 0];
  for (let k = 2; k <= n; k++) {
    const next = ((2 * k - 1) * x * current - (k - 1) * previous) / k;
    previous = current;
    current = next;
  }
  // P'_n(x) = n (x P_n - P_{n-1}) / (x^2 - 1), only used away from the end points.
  const derivative = (n * (x * current - previous)) / (x * x - 1);
  return [current, derivative];
}

export function gllBasis(ngll: number): GllBasis {
  if (!Number.isInteger(ngll) || ngll < 2 || ngll > 12)
    throw new RangeError(`ngll must be an integer in 2..12, got ${ngll}`);
  const n = ngll - 1;
  const points = new Float64Array(ngll);
  points[0] = -1;
  points[n] = 1;
  // Interior points are the roots of P'_n; start Newton from the Chebyshev-Gauss-Lobatto points.
  for (let i = 1; i < n; i++) {
    let x = -Math.cos((Math.PI * i) / n);
    for (let iteration = 0; iteration < 100; iteration++) {
      // f = P'_n; f' = P''_n from the Legendre ODE: (1 - x^2) P'' = 2x P' - n(n+1) P.
      const [p, dp] = legendre(n, x);
      const ddp = (2 * x * dp - n * (n + 1) * p) / (1 - x * x);
      const step = dp / ddp;
      x -= step;
      if (Math.abs(step) < 1e-15) break;
    }
    points[i] = x;
  }
  const weights = new Float64Array(ngll);
  const legendreAtPoints = new Float64Array(ngll);
  for (let i = 0; i < ngll; i++) {
    const p = i === 0 ? (n % 2 === 0 ? 1 : -1) : i === n ? 1 : legendre(n, points[i])[0];
    legendreAtPoints[i] = p;
    weights[i] = 2 / (n * (n + 1) * p * p);
  }
  const derivative = new Float64Array(ngll * ngll);
  for (let i = 0; i < ngll; i++) {
    for (let l = 0; l < ngll; l++) {
      let value = 0;
      if (i !== l) value = legendreAtPoints[i] / (legendreAtPoints[l] * (points[i] - points[l]));
      else if (i === 0) value = (-n * (n + 1)) / 4;
      else if (i === n) value = (n * (n + 1)) / 4;
      derivative[i * ngll + l] = value;
    }
  }
  return { ngll, points, weights, derivative };
}

/** Values (and derivatives) of the ngll Lagrange polynomials at xi, into `values` / `derivatives`. */
export function lagrangeAt(
  points: Float64Array,
  xi: number,
  values: Float64Array,
  derivatives?: Float64Array,
): void {
  const ngll = points.length;
  for (let l = 0; l < ngll; l++) {
    let product = 1;
    let derivativeSum = 0;
    for (let m = 0; m < ngll; m++) {
      if (m === l) continue;
      product *= (xi - points[m]) / (points[l] - points[m]);
    }
    values[l] = product;
    if (!derivatives) continue;
    // d/dxi of the product: sum over the factor that is differentiated.
    for (let k = 0; k < ngll; k++) {
      if (k === l) continue;
      let term = 1 / (points[l] - points[k]);
      for (let m = 0; m < ngll; m++) {
        if (m === l || m === k) continue;
        term *= (xi - points[m]) / (points[l] - points[m]);
      }
      derivativeSum += term;
    }
    derivatives[l] = derivativeSum;
  }
}
