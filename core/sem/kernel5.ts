import type { ElementArrays, KernelScratch } from "./kernel.ts";
import type { FloatArray } from "./wasm/kernel-memory.ts";

/**
 * addElasticForces for NGLL = 5 (the default): the same arithmetic as the generic kernel in the
 * same order (so results are identical to the last bit), with the sums over the five GLL points
 * written out, the derivative rows held in locals, and a shortcut for rectangular elements.
 */
export function addElasticForces5(
  m: ElementArrays,
  c0: number,
  c1: number,
  ux: FloatArray,
  uz: FloatArray,
  fx: FloatArray,
  fz: FloatArray,
  s: KernelScratch,
): void {
  const { npz, nzElem, derivative: d, weightedDerivative: wd, weights: w } = m;
  const { xix: mxix, xiz: mxiz, gammax: mgammax, gammaz: mgammaz, jacobian: mjac } = m;
  const lux = s.ux;
  const luz = s.uz;
  const t1x = s.t1x;
  const t1z = s.t1z;
  const t2x = s.t2x;
  const t2z = s.t2z;
  for (let c = c0; c < c1; c++) {
    for (let r = 0; r < nzElem; r++) {
      const e = c * nzElem + r;
      const base = c * 4 * npz + r * 4;
      for (let i = 0; i < 5; i++) {
        const p = base + i * npz;
        const o = i * 5;
        lux[o] = ux[p];
        lux[o + 1] = ux[p + 1];
        lux[o + 2] = ux[p + 2];
        lux[o + 3] = ux[p + 3];
        lux[o + 4] = ux[p + 4];
        luz[o] = uz[p];
        luz[o + 1] = uz[p + 1];
        luz[o + 2] = uz[p + 2];
        luz[o + 3] = uz[p + 3];
        luz[o + 4] = uz[p + 4];
      }
      const lambda = m.lambda[e];
      const mu = m.mu[e];
      const lambda2mu = lambda + 2 * mu;
      const e25 = e * 25;
      const rectangle = m.rectangular[e] === 1;
      const rectXix = mxix[e25];
      const rectGammaz = mgammaz[e25];
      const rectJacobian = mjac[e25];
      for (let i = 0; i < 5; i++) {
        const di0 = d[i * 5];
        const di1 = d[i * 5 + 1];
        const di2 = d[i * 5 + 2];
        const di3 = d[i * 5 + 3];
        const di4 = d[i * 5 + 4];
        for (let j = 0; j < 5; j++) {
          const dj0 = d[j * 5];
          const dj1 = d[j * 5 + 1];
          const dj2 = d[j * 5 + 2];
          const dj3 = d[j * 5 + 3];
          const dj4 = d[j * 5 + 4];
          const row = i * 5;
          const duxdxi =
            di0 * lux[j] + di1 * lux[5 + j] + di2 * lux[10 + j] + di3 * lux[15 + j] + di4 * lux[20 + j];
          const duzdxi =
            di0 * luz[j] + di1 * luz[5 + j] + di2 * luz[10 + j] + di3 * luz[15 + j] + di4 * luz[20 + j];
          const duxdgamma =
            dj0 * lux[row] +
            dj1 * lux[row + 1] +
            dj2 * lux[row + 2] +
            dj3 * lux[row + 3] +
            dj4 * lux[row + 4];
          const duzdgamma =
            dj0 * luz[row] +
            dj1 * luz[row + 1] +
            dj2 * luz[row + 2] +
            dj3 * luz[row + 3] +
            dj4 * luz[row + 4];
          if (rectangle) {
            // Constant inverse map, xiz = gammax = 0: the general formulas below with those
            // zero terms dropped, which leaves every value unchanged.
            const duxdx = duxdxi * rectXix;
            const duzdz = duzdgamma * rectGammaz;
            const sxx = lambda2mu * duxdx + lambda * duzdz;
            const szz = lambda2mu * duzdz + lambda * duxdx;
            const sxz = mu * (duzdxi * rectXix + duxdgamma * rectGammaz);
            t1x[row + j] = rectJacobian * (sxx * rectXix);
            t1z[row + j] = rectJacobian * (sxz * rectXix);
            t2x[row + j] = rectJacobian * (sxz * rectGammaz);
            t2z[row + j] = rectJacobian * (szz * rectGammaz);
            continue;
          }
          const k = e25 + row + j;
          const xix = mxix[k];
          const xiz = mxiz[k];
          const gammax = mgammax[k];
          const gammaz = mgammaz[k];
          const jac = mjac[k];
          const duxdx = duxdxi * xix + duxdgamma * gammax;
          const duxdz = duxdxi * xiz + duxdgamma * gammaz;
          const duzdx = duzdxi * xix + duzdgamma * gammax;
          const duzdz = duzdxi * xiz + duzdgamma * gammaz;
          const sxx = lambda2mu * duxdx + lambda * duzdz;
          const szz = lambda2mu * duzdz + lambda * duxdx;
          const sxz = mu * (duzdx + duxdz);
          t1x[row + j] = jac * (sxx * xix + sxz * xiz);
          t1z[row + j] = jac * (sxz * xix + szz * xiz);
          t2x[row + j] = jac * (sxx * gammax + sxz * gammaz);
          t2z[row + j] = jac * (sxz * gammax + szz * gammaz);
        }
      }
      for (let i = 0; i < 5; i++) {
        const wi = w[i];
        const a0 = wd[i];
        const a1 = wd[5 + i];
        const a2 = wd[10 + i];
        const a3 = wd[15 + i];
        const a4 = wd[20 + i];
        const row = i * 5;
        const p = base + i * npz;
        for (let j = 0; j < 5; j++) {
          const b0 = wd[j];
          const b1 = wd[5 + j];
          const b2 = wd[10 + j];
          const b3 = wd[15 + j];
          const b4 = wd[20 + j];
          const sum1x =
            a0 * t1x[j] + a1 * t1x[5 + j] + a2 * t1x[10 + j] + a3 * t1x[15 + j] + a4 * t1x[20 + j];
          const sum1z =
            a0 * t1z[j] + a1 * t1z[5 + j] + a2 * t1z[10 + j] + a3 * t1z[15 + j] + a4 * t1z[20 + j];
          const sum2x =
            b0 * t2x[row] + b1 * t2x[row + 1] + b2 * t2x[row + 2] + b3 * t2x[row + 3] + b4 * t2x[row + 4];
          const sum2z =
            b0 * t2z[row] + b1 * t2z[row + 1] + b2 * t2z[row + 2] + b3 * t2z[row + 3] + b4 * t2z[row + 4];
          fx[p + j] -= w[j] * sum1x + wi * sum2x;
          fz[p + j] -= w[j] * sum1z + wi * sum2z;
        }
      }
    }
  }
}
