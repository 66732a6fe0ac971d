import type { SolverData } from "./solver-data.ts";
import { stepKernels } from "./step-kernels.ts";

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
 * predictor; forces at t_k = k·dt; a = M⁻¹ f with the Stacey dashpot; corrector; record. On
 * return the state (u, v, a) is that of t_{to−1}, so ranges can be chained.
 *
 * Forces are assembled element column chunk by chunk. Two chunks never share points except along
 * the line between them, so phase A runs every chunk but its last column (no two touch the same
 * point), and phase B runs those last columns. The chunks are fixed by the mesh, not by the
 * thread count, so every point receives its element contributions in the same order whatever the
 * number of threads: the seismograms are bit-identical from 1 to N threads.
 *
 * Each thread owns the points of its chunks, the line it shares with the next thread included
 * (ownedPoints). After phase B its points have all their contributions (the neighbours' phase A
 * ended at the barrier), so it goes on at once with sources, Stacey dashpots and one sweep (the
 * corrector of step k and the predictor of step k + 1): two barriers per step. Just before the
 * sweep it captures the receivers' points it owns; thread 0 sums them while the next step's
 * forces are computed. The element and point work is the solver's kernels' (step-kernels.ts).
 */
export function runSteps(
  d: SolverData,
  thread: number,
  threads: number,
  barrier: () => void,
  range: StepRange,
): void {
  const nChunks = d.chunkColumns.length - 1;
  const [chunk0, chunk1] = share(nChunks, thread, threads);
  const [p0, p1] = [ownedPointsFrom(d, chunk0), ownedPointsFrom(d, chunk1)];
  const kernels = stepKernels(d, thread);
  let firstSlot = 0;
  while (firstSlot < d.receiverSlotOrder.length && d.receiverPoints[d.receiverSlotOrder[firstSlot]] < p0)
    firstSlot++;
  let firstStacey = 0;
  while (firstStacey < d.stacey.points.length && d.stacey.points[firstStacey] < p0) firstStacey++;
  kernels.predict(p0, p1);
  barrier();
  for (let step = range.from; step < range.to; step++) {
    for (let k = chunk0; k < chunk1; k++) kernels.forces(d.chunkColumns[k], d.chunkColumns[k + 1] - 1);
    if (thread === 0 && step > range.from) recordReceivers(d, step - 1, range);
    barrier();
    for (let k = chunk0; k < chunk1; k++) kernels.forces(d.chunkColumns[k + 1] - 1, d.chunkColumns[k + 1]);
    addSources(d, step, p0, p1);
    addStaceyForces(d, firstStacey, p1);
    captureReceivers(d, firstSlot, p1);
    kernels.correct(p0, p1, step + 1 < range.to);
    barrier();
  }
  if (thread === 0 && range.to > range.from) recordReceivers(d, range.to - 1, range);
}

/**
 * First point owned by the thread whose chunks start at `chunk` (the end of the previous thread's
 * points): the points right of the line that chunk shares with the previous one (which the
 * previous chunk's phase B completes), from point 0 for chunk 0, to every point past the last.
 */
function ownedPointsFrom(d: SolverData, chunk: number): number {
  if (chunk === 0) return 0;
  return (d.chunkColumns[chunk] * (d.ngll - 1) + 1) * d.npz;
}

/**
 * u, and v and a as the corrector is about to make them, of the receiver slots' points in
 * [firstSlot's point, p1). Computed in Float64 from the stored values, with the corrector's
 * formulas (in double precision the same values as the sweep's, to the bit).
 */
function captureReceivers(d: SolverData, firstSlot: number, p1: number): void {
  const { dt, ux, uz, vx, vz, ax, az, invMassX, invMassZ } = d;
  const { receiverSlotOrder: slotOrder, receiverPoints: slotPoint, receiverSlotValues: slotValues } = d;
  for (let slot = firstSlot; slot < slotOrder.length && slotPoint[slotOrder[slot]] < p1; slot++) {
    const p = slotPoint[slotOrder[slot]];
    const accelerationX = ax[p] * invMassX[p];
    const accelerationZ = az[p] * invMassZ[p];
    const o = slotOrder[slot] * 6;
    slotValues[o] = ux[p];
    slotValues[o + 1] = uz[p];
    slotValues[o + 2] = vx[p] + (dt / 2) * accelerationX;
    slotValues[o + 3] = vz[p] + (dt / 2) * accelerationZ;
    slotValues[o + 4] = accelerationX;
    slotValues[o + 5] = accelerationZ;
  }
}

/**
 * The Stacey dashpot force −c v of the absorbing edges' points from `first` up to p1, with the
 * half-step predicted velocity (sem-numerics). A separate pass over those few points keeps the
 * dashpots out of the sweep over every point; (f − c v) / M is the same value either way.
 */
function addStaceyForces(d: SolverData, first: number, p1: number): void {
  const { points, x, z } = d.stacey;
  for (let k = first; k < points.length && points[k] < p1; k++) {
    const p = points[k];
    d.ax[p] -= x[k] * d.vx[p];
    d.az[p] -= z[k] * d.vz[p];
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

/** Weighted sums of the captured slot values, in slot order (the same for any thread count). */
function recordReceivers(d: SolverData, step: number, range: StepRange): void {
  const nn = d.ngll * d.ngll;
  for (let r = 0; r < d.nReceivers; r++) {
    const o = (step * d.nReceivers + r) * 6;
    for (let c = 0; c < 6; c++) {
      let sum = 0;
      for (let slot = r * nn; slot < (r + 1) * nn; slot++)
        sum += d.receiverWeights[slot] * d.receiverSlotValues[slot * 6 + c];
      d.records[o + c] = sum;
    }
  }
  range.onStep?.(step);
}
