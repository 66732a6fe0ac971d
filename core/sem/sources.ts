import { interpolationStencil, locatePoint } from "./locate.ts";
import type { Mesh } from "./mesh.ts";
import type { SourceSpec, SourceTimeFunction } from "./scenario.ts";

/** Source time function at time t (s), τ = t − t0: see sourceTimeFunctionSchema. */
export function sourceTimeFunction(stf: SourceTimeFunction, t: number): number {
  const tau = t - stf.t0_s;
  const a = Math.PI * Math.PI * stf.f0_hz * stf.f0_hz * tau * tau;
  if (stf.type === "ricker") return (1 - 2 * a) * Math.exp(-a);
  if (stf.type === "gaussian") return Math.exp(-a);
  return 0.5 * (1 + erf(Math.PI * stf.f0_hz * tau));
}

/** Error function, Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7). */
export function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const polynomial =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const value = 1 - polynomial * Math.exp(-x * x);
  return x >= 0 ? value : -value;
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

/** A point source with its own moment tensor (or force) and time delay. */
interface PointSource {
  x: number;
  z: number;
  force?: { fx: number; fz: number };
  moment?: { mxx: number; mzz: number; mxz: number };
  delay: number;
}

/** Hanks & Kanamori (1979): seismic moment (N·m) of a moment magnitude. */
export function momentOfMagnitude(mw: number): number {
  return 10 ** (1.5 * mw + 9.1);
}

/**
 * A finite source as a line of point double couples, one per half element width, each starting
 * when the rupture (from `start` at rupture_velocity) reaches it. Slip is along the line towards
 * `end`, on the side of the normal n = slip direction turned +90° (Aki & Richards 2002, eq. 3.21:
 * M = m (s nᵀ + n sᵀ)). In 2D the moment is per metre along strike: M0 / L with the along-strike
 * length taken equal to the rupture length L (a square fault), shared equally by the points.
 */
function finitePointSources(source: Extract<SourceSpec, { type: "finite" }>, spacing: number): PointSource[] {
  const [x0, z0] = source.start;
  const [x1, z1] = source.end;
  const length = Math.hypot(x1 - x0, z1 - z0);
  const count = Math.max(1, Math.ceil(length / spacing));
  const [sx, sz] = [(x1 - x0) / length, (z1 - z0) / length];
  const [nx, nz] = [-sz, sx];
  const moment = momentOfMagnitude(source.mw) / length / count;
  return Array.from({ length: count }, (_, k) => {
    const f = (k + 0.5) / count;
    return {
      x: x0 + f * (x1 - x0),
      z: z0 + f * (z1 - z0),
      moment: { mxx: 2 * moment * sx * nx, mzz: 2 * moment * sz * nz, mxz: moment * (sx * nz + sz * nx) },
      delay: (f * length) / source.rupture_velocity,
    };
  });
}

function pointSources(mesh: Mesh, source: SourceSpec): PointSource[] {
  if (source.type === "finite") return finitePointSources(source, (mesh.columnX[1] - mesh.columnX[0]) / 2);
  if (source.type === "moment") return [{ x: source.x, z: source.z, moment: source, delay: 0 }];
  const angle = (source.angle_deg * Math.PI) / 180;
  return [
    {
      x: source.x,
      z: source.z,
      force: { fx: source.amplitude * Math.sin(angle), fz: source.amplitude * Math.cos(angle) },
      delay: 0,
    },
  ];
}

export function buildSourceTerms(mesh: Mesh, source: SourceSpec, dt: number, nsteps: number): SourceTerms {
  const sources = pointSources(mesh, source);
  const points: number[] = [];
  const fx: number[] = [];
  const fz: number[] = [];
  const timeFunction: number[] = [];
  const stfTable = new Float64Array(sources.length * nsteps);
  sources.forEach((point, index) => {
    const stencil = interpolationStencil(mesh, locatePoint(mesh, point.x, point.z, "source"));
    for (let k = 0; k < stencil.points.length; k++) {
      let forceX = 0;
      let forceZ = 0;
      if (point.force) {
        forceX = point.force.fx * stencil.weights[k];
        forceZ = point.force.fz * stencil.weights[k];
      } else if (point.moment) {
        const m = point.moment;
        forceX = m.mxx * stencil.dweightsDx[k] + m.mxz * stencil.dweightsDz[k];
        forceZ = m.mxz * stencil.dweightsDx[k] + m.mzz * stencil.dweightsDz[k];
      }
      if (forceX === 0 && forceZ === 0) continue;
      points.push(stencil.points[k]);
      fx.push(forceX);
      fz.push(forceZ);
      timeFunction.push(index);
    }
    for (let step = 0; step < nsteps; step++)
      stfTable[index * nsteps + step] = sourceTimeFunction(source.stf, step * dt - point.delay);
  });
  return {
    points: Int32Array.from(points),
    fx: Float64Array.from(fx),
    fz: Float64Array.from(fz),
    timeFunction: Int32Array.from(timeFunction),
    stfTable,
  };
}
