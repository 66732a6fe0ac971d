/**
 * Internal elastic forces −K·u of a range of elements, added into (fx, fz). Weak form of 2D
 * isotropic elasticity on GLL points (Komatitsch & Vilotte 1998): gradient by the Lagrange
 * derivative matrix along xi and gamma, chained with the inverse map; σ = λ tr(ε) I + 2μ ε;
 * contraction with the weighted transposed derivative matrix. The top edge gets no term,
 * which is the traction-free surface. Scratch arrays are passed in: nothing is allocated here.
 */
import { addElasticForces5 } from "./kernel5.ts";
import type { FloatArray } from "./wasm/kernel-memory.ts";

export interface ElementArrays {
  ngll: number;
  nzElem: number;
  npz: number;
  xix: Float64Array;
  xiz: Float64Array;
  gammax: Float64Array;
  gammaz: Float64Array;
  jacobian: Float64Array;
  lambda: Float64Array;
  mu: Float64Array;
  /** 1 where the element is an axis-aligned rectangle (see Mesh.rectangular). */
  rectangular: Int32Array;
  /** derivative[i * ngll + l] = h'_l(xi_i). */
  derivative: Float64Array;
  /** weightedDerivative[l * ngll + i] = w_l h'_i(xi_l). */
  weightedDerivative: Float64Array;
  weights: Float64Array;
}

export interface KernelScratch {
  ux: Float64Array;
  uz: Float64Array;
  t1x: Float64Array;
  t1z: Float64Array;
  t2x: Float64Array;
  t2z: Float64Array;
}

export function kernelScratch(ngll: number): KernelScratch {
  const n = ngll * ngll;
  return {
    ux: new Float64Array(n),
    uz: new Float64Array(n),
    t1x: new Float64Array(n),
    t1z: new Float64Array(n),
    t2x: new Float64Array(n),
    t2z: new Float64Array(n),
  };
}

/** Elements of columns [c0, c1) (all rows): the NGLL = 5 kernel when it applies, else the generic one. */
export function addElasticForces(
  m: ElementArrays,
  c0: number,
  c1: number,
  ux: FloatArray,
  uz: FloatArray,
  fx: FloatArray,
  fz: FloatArray,
  s: KernelScratch,
): void {
  if (m.ngll === 5) addElasticForces5(m, c0, c1, ux, uz, fx, fz, s);
  else addElasticForcesAnyNgll(m, c0, c1, ux, uz, fx, fz, s);
}

export function addElasticForcesAnyNgll(
  m: ElementArrays,
  c0: number,
  c1: number,
  ux: FloatArray,
  uz: FloatArray,
  fx: FloatArray,
  fz: FloatArray,
  s: KernelScratch,
): void {
  const n = m.ngll;
  const nn = n * n;
  const { npz, derivative: d, weightedDerivative: wd, weights: w } = m;
  for (let c = c0; c < c1; c++) {
    for (let r = 0; r < m.nzElem; r++) {
      const e = c * m.nzElem + r;
      const base = c * (n - 1) * npz + r * (n - 1);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          s.ux[i * n + j] = ux[base + i * npz + j];
          s.uz[i * n + j] = uz[base + i * npz + j];
        }
      }
      const lambda = m.lambda[e];
      const mu = m.mu[e];
      const lambda2mu = lambda + 2 * mu;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let duxdxi = 0;
          let duzdxi = 0;
          let duxdgamma = 0;
          let duzdgamma = 0;
          for (let l = 0; l < n; l++) {
            duxdxi += d[i * n + l] * s.ux[l * n + j];
            duzdxi += d[i * n + l] * s.uz[l * n + j];
            duxdgamma += d[j * n + l] * s.ux[i * n + l];
            duzdgamma += d[j * n + l] * s.uz[i * n + l];
          }
          const k = e * nn + i * n + j;
          const xix = m.xix[k];
          const xiz = m.xiz[k];
          const gammax = m.gammax[k];
          const gammaz = m.gammaz[k];
          const jac = m.jacobian[k];
          const duxdx = duxdxi * xix + duxdgamma * gammax;
          const duxdz = duxdxi * xiz + duxdgamma * gammaz;
          const duzdx = duzdxi * xix + duzdgamma * gammax;
          const duzdz = duzdxi * xiz + duzdgamma * gammaz;
          const sxx = lambda2mu * duxdx + lambda * duzdz;
          const szz = lambda2mu * duzdz + lambda * duxdx;
          const sxz = mu * (duzdx + duxdz);
          s.t1x[i * n + j] = jac * (sxx * xix + sxz * xiz);
          s.t1z[i * n + j] = jac * (sxz * xix + szz * xiz);
          s.t2x[i * n + j] = jac * (sxx * gammax + sxz * gammaz);
          s.t2z[i * n + j] = jac * (sxz * gammax + szz * gammaz);
        }
      }
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let sum1x = 0;
          let sum1z = 0;
          let sum2x = 0;
          let sum2z = 0;
          for (let l = 0; l < n; l++) {
            sum1x += wd[l * n + i] * s.t1x[l * n + j];
            sum1z += wd[l * n + i] * s.t1z[l * n + j];
            sum2x += wd[l * n + j] * s.t2x[i * n + l];
            sum2z += wd[l * n + j] * s.t2z[i * n + l];
          }
          const p = base + i * npz + j;
          fx[p] -= w[j] * sum1x + w[i] * sum2x;
          fz[p] -= w[j] * sum1z + w[i] * sum2z;
        }
      }
    }
  }
}
