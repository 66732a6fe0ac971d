/**
 * The shared WebAssembly memory of the wasm kernels: the wavefield and masses as typed
 * array views (the rest of the solver reads and writes them like any array), the element groups
 * of layout.ts, the header, and one scratch block per thread. One shared memory, so worker
 * threads instantiate the kernels over the same bytes.
 */
import { LimitExceededError } from "../../errors.ts";
import type { Mesh } from "../mesh.ts";
import {
  coefficientSets,
  floatBytes,
  GROUP_HEADER_VECTORS,
  groupVectors,
  LAYOUT_BYTES,
  LAYOUT_SLOTS,
  lanes,
  type Precision,
  rectangleConstants,
  scratchBytes,
} from "./layout.ts";

export type FloatArray = Float32Array | Float64Array;

/** Threads that can share one memory (each needs its scratch block); the CLI's own limit. */
export const MAX_KERNEL_THREADS = 256;

const PAGE = 65536;
/** wasm32 addresses: 4 GiB. */
const MAX_PAGES = 65536;

export interface KernelMemory {
  memory: WebAssembly.Memory;
  precision: Precision;
  /** Byte offsets of the header and of thread 0's scratch block. */
  layout: number;
  scratch: number;
}

export const POINT_ARRAYS = ["ux", "uz", "vx", "vz", "ax", "az", "invMassX", "invMassZ"] as const;
export type PointArrayName = (typeof POINT_ARRAYS)[number];

/** Hands out 64-byte aligned ranges of one memory, after measuring them all. */
class Arena {
  private end = 0;
  take(bytes: number): number {
    const start = this.end;
    this.end += Math.ceil(bytes / 64) * 64;
    return start;
  }
  get size(): number {
    return this.end;
  }
}

/**
 * Allocates the memory for `mesh` and fills everything but the wavefield (zero) and the masses,
 * which the caller fills through the returned views.
 */
export function allocateKernelMemory(
  mesh: Mesh,
  precision: Precision,
  dt: number,
): { kernel: KernelMemory; arrays: Record<PointArrayName, FloatArray> } {
  const { ngll, nglob, nzElem, nxElem, npz } = mesh;
  const coefficients = coefficientSets(mesh.basis.derivative, mesh.basis.weights, ngll);
  const bytes = floatBytes(precision);
  const laneCount = lanes(precision);
  const nn = ngll * ngll;
  const groupsPerColumn = Math.ceil(nzElem / laneCount);
  const nGroups = groupsPerColumn * nxElem;
  const groupFloats = groupVectors(ngll) * laneCount;
  // The lanes of a column's last, partial group read (and ignore) points past the column's end.
  const pointPadding = laneCount * (ngll - 1) + ngll;

  const arena = new Arena();
  const layout = arena.take(LAYOUT_BYTES);
  const constants = arena.take(coefficients.length * 16);
  const pointOffsets = POINT_ARRAYS.map(() => arena.take((nglob + pointPadding) * bytes));
  const groups = arena.take(nGroups * groupFloats * bytes);
  const groupInfo = arena.take(nGroups * 4);
  const scratch = arena.take(MAX_KERNEL_THREADS * scratchBytes(ngll));
  const pages = Math.ceil(arena.size / PAGE);
  if (pages > MAX_PAGES) {
    throw new LimitExceededError(
      `the mesh (${mesh.nspec} elements, NGLL ${ngll}) needs ${(arena.size / 2 ** 30).toFixed(1)} GiB of solver memory in ${precision} precision; the limit is 4 GiB: use larger elements or a smaller domain${precision === "double" ? ", or single precision" : ""}`,
    );
  }
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const buffer = memory.buffer;
  const FloatView = precision === "single" ? Float32Array : Float64Array;
  const floats = (offset: number, length: number): FloatArray => new FloatView(buffer, offset, length);

  // Each coefficient in every lane: a plain vector load, which V8 addresses with a displacement
  // (its splatting loads get a separate address register each, then spill them).
  const table = floats(constants, coefficients.length * laneCount);
  coefficients.forEach((value, index) => {
    table.fill(value, index * laneCount, (index + 1) * laneCount);
  });

  const groupData = floats(groups, nGroups * groupFloats);
  const info = new Int32Array(buffer, groupInfo, nGroups);
  for (let c = 0; c < nxElem; c++) {
    for (let q = 0; q < groupsPerColumn; q++) {
      const g = c * groupsPerColumn + q;
      const active = Math.min(laneCount, nzElem - q * laneCount);
      let rectangular = true;
      for (let lane = 0; lane < active; lane++) {
        const e = c * nzElem + q * laneCount + lane;
        rectangular &&= mesh.rectangular[e] === 1;
        const at = (vector: number) => (g * groupVectors(ngll) + vector) * laneCount + lane;
        groupData[at(0)] = mesh.lambda[e];
        groupData[at(1)] = mesh.mu[e];
        groupData[at(2)] = mesh.lambda[e] + 2 * mesh.mu[e];
        rectangleConstants(
          mesh.lambda[e],
          mesh.mu[e],
          mesh.xix[e * nn],
          mesh.gammaz[e * nn],
          mesh.jacobian[e * nn],
        ).forEach((value, index) => {
          groupData[at(3 + index)] = value;
        });
        for (let k = 0; k < nn; k++) {
          const geometry = GROUP_HEADER_VECTORS + 5 * k;
          groupData[at(geometry)] = mesh.xix[e * nn + k];
          groupData[at(geometry + 1)] = mesh.xiz[e * nn + k];
          groupData[at(geometry + 2)] = mesh.gammax[e * nn + k];
          groupData[at(geometry + 3)] = mesh.gammaz[e * nn + k];
          groupData[at(geometry + 4)] = mesh.jacobian[e * nn + k];
        }
      }
      info[g] = active | (rectangular ? 256 : 0);
    }
  }

  const arrays = Object.fromEntries(
    POINT_ARRAYS.map((name, index) => [name, floats(pointOffsets[index], nglob)]),
  ) as Record<PointArrayName, FloatArray>;
  const header = new Int32Array(buffer, layout, LAYOUT_BYTES / 4);
  POINT_ARRAYS.forEach((name, index) => {
    header[LAYOUT_SLOTS[name] / 4] = pointOffsets[index];
  });
  header[LAYOUT_SLOTS.groups / 4] = groups;
  header[LAYOUT_SLOTS.groupInfo / 4] = groupInfo;
  header[LAYOUT_SLOTS.constants / 4] = constants;
  header[LAYOUT_SLOTS.pointColumnBytes / 4] = npz * bytes;
  header[LAYOUT_SLOTS.groupsPerColumn / 4] = groupsPerColumn;
  header[LAYOUT_SLOTS.elementColumnBytes / 4] = (ngll - 1) * npz * bytes;
  const timeConstants = new FloatView(buffer, layout + LAYOUT_SLOTS.dt, 3 * (8 / bytes));
  const stride = 8 / bytes;
  timeConstants[0] = dt;
  timeConstants[stride] = dt / 2;
  timeConstants[2 * stride] = (dt * dt) / 2;
  return { kernel: { memory, precision, layout, scratch }, arrays };
}
