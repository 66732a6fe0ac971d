import { interpolationStencil, locatePoint } from "./locate.ts";
import type { Mesh } from "./mesh.ts";
import type { SourceSpec, SourceTimeFunction } from "./scenario.ts";

/** Source time function at time t (s): ricker (1 − 2π²f0²τ²)·exp(−π²f0²τ²) or gaussian exp(−π²f0²τ²), τ = t − t0. */
export function sourceTimeFunction(stf: SourceTimeFunction, t: number): number {
  const a = Math.PI * Math.PI * stf.f0_hz * stf.f0_hz * (t - stf.t0_s) * (t - stf.t0_s);
  return stf.type === "ricker" ? (1 - 2 * a) * Math.exp(-a) : Math.exp(-a);
}

/**
 * Nodal forces of the source: entry k adds (fx[k], fz[k]) × stfTable[k-th time function, step]
 * at global point points[k]. A force is spread with the Lagrange interpolant at the source point
 * (one node when the source sits on a GLL point); a moment tensor M with the gradient of the
 * interpolant, f_a = M·∇h_a, the weak form of the body force −∇·(M δ(x − x_s)).
 */
export interface SourceTerms {
  points: Int32Array;
  fx: Float64Array;
  fz: Float64Array;
  /** Which row of stfTable each entry uses (one row per point source). */
  timeFunction: Int32Array;
  /** nTimeFunctions × nsteps: value at t_k = k·dt. */
  stfTable: Float64Array;
}

export function buildSourceTerms(mesh: Mesh, source: SourceSpec, dt: number, nsteps: number): SourceTerms {
  const stencil = interpolationStencil(mesh, locatePoint(mesh, source.x, source.z, "source"));
  const points: number[] = [];
  const fx: number[] = [];
  const fz: number[] = [];
  for (let k = 0; k < stencil.points.length; k++) {
    let forceX: number;
    let forceZ: number;
    if (source.type === "force") {
      const angle = (source.angle_deg * Math.PI) / 180;
      forceX = source.amplitude * Math.sin(angle) * stencil.weights[k];
      forceZ = source.amplitude * Math.cos(angle) * stencil.weights[k];
    } else {
      forceX = source.mxx * stencil.dweightsDx[k] + source.mxz * stencil.dweightsDz[k];
      forceZ = source.mxz * stencil.dweightsDx[k] + source.mzz * stencil.dweightsDz[k];
    }
    if (forceX === 0 && forceZ === 0) continue;
    points.push(stencil.points[k]);
    fx.push(forceX);
    fz.push(forceZ);
  }
  const stfTable = new Float64Array(nsteps);
  for (let step = 0; step < nsteps; step++) stfTable[step] = sourceTimeFunction(source.stf, step * dt);
  return {
    points: Int32Array.from(points),
    fx: Float64Array.from(fx),
    fz: Float64Array.from(fz),
    timeFunction: new Int32Array(points.length),
    stfTable,
  };
}
