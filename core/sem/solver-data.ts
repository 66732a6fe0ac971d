import type { ElementArrays } from "./kernel.ts";
import type { InterpolationStencil } from "./locate.ts";
import type { Mesh } from "./mesh.ts";
import type { SourceTerms } from "./sources.ts";
import {
  allocateKernelMemory,
  type FloatArray,
  type KernelMemory,
  POINT_ARRAYS,
} from "./wasm/kernel-memory.ts";

export type { FloatArray } from "./wasm/kernel-memory.ts";

/** Values recorded per receiver and time step, in this order. */
export const RECORDED_CHANNELS = ["ux", "uz", "vx", "vz", "ax", "az"] as const;

/**
 * Which kernels step the wavefield (see step-kernels.ts): the WebAssembly SIMD kernels in single
 * (the default, as SPECFEM2D) or double precision, or the TypeScript Float64 reference loops.
 */
export type SolverKernel = "single" | "double" | "reference";
export const SOLVER_KERNELS = ["single", "double", "reference"] as const;

/**
 * Everything the time loop touches, as plain numbers and typed arrays on shared memory so that
 * worker threads can be handed the same object (structured clone shares the memory).
 */
export interface SolverData {
  kernel: SolverKernel;
  ngll: number;
  nzElem: number;
  npz: number;
  nxElem: number;
  nglob: number;
  nsteps: number;
  dt: number;
  /** Float32 in single precision, else Float64; views on the wasm memory for the wasm kernels. */
  ux: FloatArray;
  uz: FloatArray;
  vx: FloatArray;
  vz: FloatArray;
  /** Forces during assembly, then accelerations. */
  ax: FloatArray;
  az: FloatArray;
  /** 1 / (M + c·dt/2), c the Stacey dashpot: the dashpot at the end-of-step velocity (see sem-numerics). */
  invMassX: FloatArray;
  invMassZ: FloatArray;
  /** The wasm kernels' memory (kernels "single" and "double"). */
  wasm?: KernelMemory;
  /** Per-point element arrays of the reference kernel (kernel "reference"). */
  elements?: ElementArrays;
  /** Points of the absorbing edges, ascending, and their dashpot coefficients c (N·s/m). */
  stacey: { points: Int32Array; x: Float64Array; z: Float64Array };
  sources: SourceTerms;
  nReceivers: number;
  /** Per stencil slot (receiver r, GLL point k at r·ngll² + k): the global point and its weight. */
  receiverPoints: Int32Array;
  receiverWeights: Float64Array;
  /** Stencil slots sorted by global point, so each thread meets its slots in one sweep. */
  receiverSlotOrder: Int32Array;
  /** u, v, a (x, z) of each slot's point, captured during the step (6 per slot), one buffer per step parity. */
  receiverSlotValues: Float64Array;
  /** nsteps × nReceivers × 6 (RECORDED_CHANNELS). */
  records: Float64Array;
  /** Element-column boundaries of the work chunks (fixed, independent of the thread count). */
  chunkColumns: Int32Array;
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

/** The mesh's per-point geometry and per-element material as the reference kernel reads them. */
export function elementArrays(mesh: Mesh, { shared = false } = {}): ElementArrays {
  const { ngll } = mesh;
  const basis = mesh.basis;
  const weightedDerivative = new Float64Array(ngll * ngll);
  for (let l = 0; l < ngll; l++)
    for (let i = 0; i < ngll; i++)
      weightedDerivative[l * ngll + i] = basis.weights[l] * basis.derivative[l * ngll + i];
  const copy = shared ? sharedCopy : <T>(array: T) => array;
  return {
    ngll,
    nzElem: mesh.nzElem,
    npz: mesh.npz,
    xix: copy(mesh.xix),
    xiz: copy(mesh.xiz),
    gammax: copy(mesh.gammax),
    gammaz: copy(mesh.gammaz),
    jacobian: copy(mesh.jacobian),
    lambda: copy(mesh.lambda),
    rectangular: copy(mesh.rectangular),
    mu: copy(mesh.mu),
    derivative: basis.derivative,
    weightedDerivative,
    weights: basis.weights,
  };
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

/** The point arrays: views on the wasm kernels' memory, or shared Float64 arrays for the reference kernel. */
function pointArrays(
  mesh: Mesh,
  kernel: SolverKernel,
  dt: number,
): { arrays: Record<(typeof POINT_ARRAYS)[number], FloatArray>; wasm?: KernelMemory } {
  if (kernel === "reference") {
    const arrays = Object.fromEntries(POINT_ARRAYS.map((name) => [name, sharedFloat64(mesh.nglob)]));
    return { arrays: arrays as Record<(typeof POINT_ARRAYS)[number], FloatArray> };
  }
  const { kernel: wasm, arrays } = allocateKernelMemory(mesh, kernel, dt);
  return { arrays, wasm };
}

/** The points with a dashpot, ascending, and their coefficients (shared with the threads). */
function staceyTable(dampX: Float64Array, dampZ: Float64Array): SolverData["stacey"] {
  let count = 0;
  for (let p = 0; p < dampX.length; p++) if (dampX[p] !== 0 || dampZ[p] !== 0) count++;
  const points = new Int32Array(new SharedArrayBuffer(Math.max(1, count) * 4)).subarray(0, count);
  const x = sharedFloat64(count).subarray(0, count);
  const z = sharedFloat64(count).subarray(0, count);
  let k = 0;
  for (let p = 0; p < dampX.length; p++) {
    if (dampX[p] === 0 && dampZ[p] === 0) continue;
    points[k] = p;
    x[k] = dampX[p];
    z[k] = dampZ[p];
    k++;
  }
  return { points, x, z };
}

export function buildSolverData(
  mesh: Mesh,
  options: {
    dt: number;
    nsteps: number;
    absorbing: boolean;
    sources: SourceTerms;
    receivers: InterpolationStencil[];
    kernel?: SolverKernel;
  },
): SolverData {
  const { ngll, nglob } = mesh;
  const { dt, nsteps } = options;
  const kernel = options.kernel ?? "single";
  const { arrays, wasm } = pointArrays(mesh, kernel, dt);
  const mass = assembleMass(mesh);
  const dampX = new Float64Array(nglob);
  const dampZ = new Float64Array(nglob);
  if (options.absorbing) assembleStacey(mesh, dampX, dampZ);
  for (let p = 0; p < nglob; p++) {
    arrays.invMassX[p] = 1 / (mass[p] + (dampX[p] * dt) / 2);
    arrays.invMassZ[p] = 1 / (mass[p] + (dampZ[p] * dt) / 2);
  }
  const stacey = staceyTable(dampX, dampZ);
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
    kernel,
    ngll,
    nzElem: mesh.nzElem,
    npz: mesh.npz,
    nxElem: mesh.nxElem,
    nglob,
    nsteps,
    dt,
    ...arrays,
    wasm,
    elements: kernel === "reference" ? elementArrays(mesh, { shared: true }) : undefined,
    stacey,
    sources: options.sources,
    nReceivers,
    receiverPoints,
    receiverWeights,
    receiverSlotOrder,
    receiverSlotValues: sharedFloat64(2 * nReceivers * nn * 6),
    records: sharedFloat64(nsteps * nReceivers * 6),
    chunkColumns,
  };
}
