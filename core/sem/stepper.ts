import { addElasticForces, kernelScratch } from "./kernel.ts";
import type { SolverData } from "./solver-data.ts";

/** Index range [start, end) of part `index` of `parts` equal parts of `length`. */
function share(length: number, index: number, parts: number): [number, number] {
  return [Math.floor((index * length) / parts), Math.floor(((index + 1) * length) / parts)];
}

export interface StepRange {
  /** First and one-past-last step to run. */
  from: number;
  to: number;
  /** Called by thread 0 after each recorded step. */
  onStep?: (step: number) => void;
}

/**
 * Runs time steps [from, to) as thread `thread` of `threads`, all threads calling this with the
 * same range and a shared `barrier`. Explicit Newmark (β = 0, γ = ½), as in notes/sem-numerics:
 * predictor; forces at t_k = k·dt; a = M⁻¹ f with the Stacey dashpot; corrector; record.
 *
 * Forces are assembled element column chunk by chunk. Two chunks never share points except along
 * the line between them, so phase A runs every chunk but its last column (no two touch the same
 * point), and phase B runs those last columns. The chunks are fixed by the mesh, not by the
 * thread count, so every point receives its element contributions in the same order whatever the
 * number of threads: the seismograms are bit-identical from 1 to N threads.
 */
export function runSteps(d: SolverData, thread: number, threads: number, barrier: () => void, range: StepRange): void {
  const [p0, p1] = share(d.nglob, thread, threads);
  const nChunks = d.chunkColumns.length - 1;
  const [chunk0, chunk1] = share(nChunks, thread, threads);
  const scratch = kernelScratch(d.ngll);
  const { dt, ux, uz, vx, vz, ax, az } = d;
  const halfDt = dt / 2;
  const halfDtSquared = (dt * dt) / 2;
  for (let step = range.from; step < range.to; step++) {
    for (let p = p0; p < p1; p++) {
      ux[p] += dt * vx[p] + halfDtSquared * ax[p];
      uz[p] += dt * vz[p] + halfDtSquared * az[p];
      vx[p] += halfDt * ax[p];
      vz[p] += halfDt * az[p];
      ax[p] = 0;
      az[p] = 0;
    }
    barrier();
    for (let k = chunk0; k < chunk1; k++) addElasticForces(d, d.chunkColumns[k], d.chunkColumns[k + 1] - 1, ux, uz, ax, az, scratch);
    barrier();
    for (let k = chunk0; k < chunk1; k++) addElasticForces(d, d.chunkColumns[k + 1] - 1, d.chunkColumns[k + 1], ux, uz, ax, az, scratch);
    barrier();
    addSources(d, step, p0, p1);
    for (let p = p0; p < p1; p++) {
      ax[p] = (ax[p] - d.dampX[p] * vx[p]) * d.invMassX[p];
      az[p] = (az[p] - d.dampZ[p] * vz[p]) * d.invMassZ[p];
      vx[p] += halfDt * ax[p];
      vz[p] += halfDt * az[p];
    }
    barrier();
    if (thread === 0) {
      recordReceivers(d, step);
      range.onStep?.(step);
    }
    barrier();
  }
}

function addSources(d: SolverData, step: number, p0: number, p1: number): void {
  const s = d.sources;
  for (let k = 0; k < s.points.length; k++) {
    const p = s.points[k];
    if (p < p0 || p >= p1) continue;
    const amplitude = s.stfTable[s.timeFunction[k] * d.nsteps + step];
    d.ax[p] += s.fx[k] * amplitude;
    d.az[p] += s.fz[k] * amplitude;
  }
}

function recordReceivers(d: SolverData, step: number): void {
  const nn = d.ngll * d.ngll;
  for (let r = 0; r < d.nReceivers; r++) {
    let ux = 0;
    let uz = 0;
    let vx = 0;
    let vz = 0;
    let ax = 0;
    let az = 0;
    for (let k = r * nn; k < (r + 1) * nn; k++) {
      const p = d.receiverPoints[k];
      const w = d.receiverWeights[k];
      ux += w * d.ux[p];
      uz += w * d.uz[p];
      vx += w * d.vx[p];
      vz += w * d.vz[p];
      ax += w * d.ax[p];
      az += w * d.az[p];
    }
    const o = (step * d.nReceivers + r) * 6;
    d.records[o] = ux;
    d.records[o + 1] = uz;
    d.records[o + 2] = vx;
    d.records[o + 3] = vz;
    d.records[o + 4] = ax;
    d.records[o + 5] = az;
  }
}
