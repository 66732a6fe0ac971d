import type { ElementArrays } from "./kernel.ts";
import type { InterpolationStencil } from "./locate.ts";
import type { Mesh } from "./mesh.ts";
import type { SourceTerms } from "./sources.ts";

/** Values recorded per receiver and time step, in this order. */
export const RECORDED_CHANNELS = ["ux", "uz", "vx", "vz", "ax", "az"] as const;

/**
 * Everything the time loop touches, as plain numbers and typed arrays on SharedArrayBuffers so
 * that worker threads can be handed the same object (structured clone shares the memory).
 */
export interface SolverData extends ElementArrays {
  nxElem: number;
  nglob: number;
  nsteps: number;
  dt: number;
  ux: Float64Array;
  uz: Float64Array;
  vx: Float64Array;
  vz: Float64Array;
  /** Forces during assembly, then accelerations. */
  ax: Float64Array;
  az: Float64Array;
  /** Stacey dashpot coefficients (N·s/m per point), zero away from absorbing edges. */
  dampX: Float64Array;
  dampZ: Float64Array;
  /** 1 / (M + damp·dt/2): the dashpot evaluated at the end-of-step velocity (see sem-numerics). */
  invMassX: Float64Array;
  invMassZ: Float64Array;
  sources: SourceTerms;
  nReceivers: number;
  /** Per stencil slot (receiver r, GLL point k at r·ngll² + k): the global point and its weight. */
  receiverPoints: Int32Array;
  receiverWeights: Float64Array;
  /** Stencil slots sorted by global point, so each thread meets its slots in one sweep. */
  receiverSlotOrder: Int32Array;
  /** u, v, a (x, z) of each slot's point, captured during the step (6 per slot). */
  receiverSlotValues: Float64Array;
  /** nsteps × nReceivers × 6 (RECORDED_CHANNELS). */
  records: Float64Array;
  /** Element-column boundaries of the work chunks (fixed, independent of the thread count). */
  chunkColumns: Int32Array;
  /** Barrier state for the threads: [arrived, generation, failed]. */
  sync: Int32Array;
}

function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, length) * 8));
}

function sharedCopy<T extends Float64Array | Int32Array>(source: T): T {
  const copy =
    source instanceof Float64Array
      ? sharedFloat64(source.length)
      : new Int32Array(new SharedArrayBuffer(Math.max(1, source.length) * 4));
  copy.set(source);
  return copy as T;
}

/** Diagonal mass: the GLL quadrature of ρ φ_i φ_j, summed over the elements sharing each point. */
function assembleMass(mesh: Mesh): Float64Array {
  const { ngll, nzElem, npz } = mesh;
  const w = mesh.basis.weights;
  const mass = new Float64Array(mesh.nglob);
  for (let e = 0; e < mesh.nspec; e++) {
    const c = Math.floor(e / nzElem);
    const base = c * (ngll - 1) * npz + (e - c * nzElem) * (ngll - 1);
    for (let i = 0; i < ngll; i++) {
      for (let j = 0; j < ngll; j++)
        mass[base + i * npz + j] += mesh.rho[e] * w[i] * w[j] * mesh.jacobian[e * ngll * ngll + i * ngll + j];
    }
  }
  return mass;
}

/**
 * Stacey dashpots on the left, right and bottom edges (all axis-aligned in this mesh, so each is
 * diagonal): ρ·vp on the normal and ρ·vs on the tangential velocity, times the 1D GLL weight and
 * the edge length element. Corners get both edges' terms.
 */
function assembleStacey(mesh: Mesh, dampX: Float64Array, dampZ: Float64Array): void {
  const { ngll, nzElem, nxElem, npz } = mesh;
  const w = mesh.basis.weights;
  const nn = ngll * ngll;
  for (const [column, i] of [
    [0, 0],
    [nxElem - 1, ngll - 1],
  ]) {
    for (let r = 0; r < nzElem; r++) {
      const e = column * nzElem + r;
      for (let j = 0; j < ngll; j++) {
        const k = e * nn + i * ngll + j;
        // Vertical edge: length element |dz/dgamma| = J / |dx/dxi| = J * gammaz... with dx/dgamma = 0: J·xix.
        const edgeLength = mesh.jacobian[k] * mesh.xix[k];
        const p = (column * (ngll - 1) + i) * npz + r * (ngll - 1) + j;
        dampX[p] += mesh.rho[e] * mesh.vp[e] * w[j] * edgeLength;
        dampZ[p] += mesh.rho[e] * mesh.vs[e] * w[j] * edgeLength;
      }
    }
  }
  for (let c = 0; c < nxElem; c++) {
    const e = c * nzElem;
    for (let i = 0; i < ngll; i++) {
      const k = e * nn + i * ngll;
      // Bottom edge (flat): length element dx/dxi = J·gammaz.
      const edgeLength = mesh.jacobian[k] * mesh.gammaz[k];
      const p = (c * (ngll - 1) + i) * npz;
      dampX[p] += mesh.rho[e] * mesh.vs[e] * w[i] * edgeLength;
      dampZ[p] += mesh.rho[e] * mesh.vp[e] * w[i] * edgeLength;
    }
  }
}

export function buildSolverData(
  mesh: Mesh,
  options: {
    dt: number;
    nsteps: number;
    absorbing: boolean;
    sources: SourceTerms;
    receivers: InterpolationStencil[];
  },
): SolverData {
  const { ngll, nglob } = mesh;
  const { dt, nsteps } = options;
  const basis = mesh.basis;
  const weightedDerivative = new Float64Array(ngll * ngll);
  for (let l = 0; l < ngll; l++)
    for (let i = 0; i < ngll; i++)
      weightedDerivative[l * ngll + i] = basis.weights[l] * basis.derivative[l * ngll + i];
  const mass = assembleMass(mesh);
  const dampX = sharedFloat64(nglob);
  const dampZ = sharedFloat64(nglob);
  if (options.absorbing) assembleStacey(mesh, dampX, dampZ);
  const invMassX = sharedFloat64(nglob);
  const invMassZ = sharedFloat64(nglob);
  for (let p = 0; p < nglob; p++) {
    invMassX[p] = 1 / (mass[p] + (dampX[p] * dt) / 2);
    invMassZ[p] = 1 / (mass[p] + (dampZ[p] * dt) / 2);
  }
  const nn = ngll * ngll;
  const nReceivers = options.receivers.length;
  const receiverPoints = new Int32Array(new SharedArrayBuffer(Math.max(1, nReceivers * nn) * 4));
  const receiverWeights = sharedFloat64(nReceivers * nn);
  options.receivers.forEach((stencil, index) => {
    receiverPoints.set(stencil.points, index * nn);
    receiverWeights.set(stencil.weights, index * nn);
  });
  const slotOrder = Array.from({ length: nReceivers * nn }, (_, slot) => slot).sort(
    (a, b) => receiverPoints[a] - receiverPoints[b] || a - b,
  );
  const receiverSlotOrder = new Int32Array(new SharedArrayBuffer(Math.max(1, slotOrder.length) * 4));
  receiverSlotOrder.set(slotOrder);
  // Chunks of at least two element columns: see stepper.ts for why results do not depend on threads.
  const nChunks = Math.max(1, Math.min(48, Math.floor(mesh.nxElem / 2)));
  const chunkColumns = new Int32Array(nChunks + 1);
  for (let k = 0; k <= nChunks; k++) chunkColumns[k] = Math.round((k * mesh.nxElem) / nChunks);
  return {
    ngll,
    nzElem: mesh.nzElem,
    npz: mesh.npz,
    nxElem: mesh.nxElem,
    nglob,
    nsteps,
    dt,
    xix: sharedCopy(mesh.xix),
    xiz: sharedCopy(mesh.xiz),
    gammax: sharedCopy(mesh.gammax),
    gammaz: sharedCopy(mesh.gammaz),
    jacobian: sharedCopy(mesh.jacobian),
    lambda: sharedCopy(mesh.lambda),
    rectangular: sharedCopy(mesh.rectangular),
    mu: sharedCopy(mesh.mu),
    derivative: basis.derivative,
    weightedDerivative,
    weights: basis.weights,
    ux: sharedFloat64(nglob),
    uz: sharedFloat64(nglob),
    vx: sharedFloat64(nglob),
    vz: sharedFloat64(nglob),
    ax: sharedFloat64(nglob),
    az: sharedFloat64(nglob),
    dampX,
    dampZ,
    invMassX,
    invMassZ,
    sources: options.sources,
    nReceivers,
    receiverPoints,
    receiverWeights,
    receiverSlotOrder,
    receiverSlotValues: sharedFloat64(nReceivers * nn * 6),
    records: sharedFloat64(nsteps * nReceivers * 6),
    chunkColumns,
    sync: new Int32Array(new SharedArrayBuffer(16)),
  };
}
