import type { SolverData } from "./solver-data.ts";
import { stepKernels } from "./step-kernels.ts";
import type { StepSync } from "./step-sync.ts";

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
 * Runs time steps [from, to) as thread `sync.thread` of `sync.threads`, all threads calling this
 * with the same range. Explicit Newmark (β = 0, γ = ½), as in notes/sem-numerics: predictor;
 * forces at t_k = k·dt; a = M⁻¹ f with the Stacey dashpot; corrector; record. On return the
 * state (u, v, a) is that of t_{to−1}, so ranges can be chained.
 *
 * Forces are assembled element column chunk by chunk. Two chunks never share points except along
 * the line between them, so phase A runs every chunk but its last column (no two touch the same
 * point), and phase B runs those last columns. The chunks are fixed by the mesh, not by the
 * thread count, so every point receives its element contributions in the same order whatever the
 * number of threads: the seismograms are bit-identical from 1 to N threads.
 *
 * Each thread owns the points of its chunks, the line it shares with the next thread included
 * (ownedPoints). It meets the others only at that line (step-sync.ts): its first column (phase A,
 * done first) reads and adds to the line of the previous thread, so it waits for that thread's
 * corrector; its last column (phase B) adds to its own line after the next thread's first
 * column, so it waits for that. Then its points have all their contributions and it goes on at
 * once with sources, Stacey dashpots and one sweep (the corrector of step k and the predictor of
 * step k + 1). Just before the sweep it captures the receivers' points it owns into the buffer
 * of the step's parity; thread 0 sums the previous step's buffer once every thread has filled it.
 * A thread further right may run a step or more ahead of thread 0 (each waits only for its left
 * neighbour), so before capturing step k it waits until thread 0 has corrected step k − 1, i.e.
 * recorded step k − 2 from the buffer it is about to fill (with two threads, already so).
 * The element and point work is the solver's kernels' (step-kernels.ts).
 */
export function runSteps(d: SolverData, sync: StepSync, range: StepRange): void {
  const { thread, threads } = sync;
  const nChunks = d.chunkColumns.length - 1;
  const [chunk0, chunk1] = share(nChunks, thread, threads);
  const [p0, p1] = [ownedPointsFrom(d, chunk0), ownedPointsFrom(d, chunk1)];
  const kernels = stepKernels(d, thread);
  const nSlots = d.nReceivers * d.ngll * d.ngll;
  let firstSlot = 0;
  while (firstSlot < nSlots && d.receiverPoints[d.receiverSlotOrder[firstSlot]] < p0) firstSlot++;
  const capturesSlots = firstSlot < nSlots && d.receiverPoints[d.receiverSlotOrder[firstSlot]] < p1;
  let firstStacey = 0;
  while (firstStacey < d.stacey.points.length && d.stacey.points[firstStacey] < p0) firstStacey++;
  const firstColumn = d.chunkColumns[chunk0];
  kernels.predict(p0, p1);
  sync.corrected();
  for (let step = range.from; step < range.to; step++) {
    sync.waitLeftCorrected();
    kernels.forces(firstColumn, firstColumn + 1);
    sync.firstColumnDone();
    kernels.forces(firstColumn + 1, d.chunkColumns[chunk0 + 1] - 1);
    for (let k = chunk0 + 1; k < chunk1; k++) kernels.forces(d.chunkColumns[k], d.chunkColumns[k + 1] - 1);
    sync.waitRightFirstColumn();
    for (let k = chunk0; k < chunk1; k++) kernels.forces(d.chunkColumns[k + 1] - 1, d.chunkColumns[k + 1]);
    addSources(d, step, p0, p1);
    addStaceyForces(d, firstStacey, p1);
    if (thread === 0 && step > range.from) {
      sync.waitAllCorrected();
      recordReceivers(d, step - 1, range);
    }
    if (capturesSlots) {
      sync.waitFirstCorrected();
      captureReceivers(d, firstSlot, p1, step);
    }
    kernels.correct(p0, p1, step + 1 < range.to);
    sync.corrected();
  }
  if (thread === 0 && range.to > range.from) {
    sync.waitAllCorrected();
    recordReceivers(d, range.to - 1, range);
  }
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
 * [firstSlot's point, p1), into the buffer of the step's parity. Computed in Float64 from the
 * stored values, with the corrector's formulas (in double precision the same values as the
 * sweep's, to the bit).
 */
function captureReceivers(d: SolverData, firstSlot: number, p1: number, step: number): void {
  const { dt, ux, uz, vx, vz, ax, az, invMassX, invMassZ } = d;
  const { receiverSlotOrder: slotOrder, receiverPoints: slotPoint, receiverSlotValues: slotValues } = d;
  const nSlots = d.nReceivers * d.ngll * d.ngll;
  for (let slot = firstSlot; slot < nSlots && slotPoint[slotOrder[slot]] < p1; slot++) {
    const p = slotPoint[slotOrder[slot]];
    const accelerationX = ax[p] * invMassX[p];
    const accelerationZ = az[p] * invMassZ[p];
    const o = (captureBufferStart(d, step) + slotOrder[slot]) * 6;
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

/** Index of the first slot of `step`'s capture buffer (one per step parity). */
function captureBufferStart(d: SolverData, step: number): number {
  return (step % 2) * d.nReceivers * d.ngll * d.ngll;
}

/** Weighted sums of the captured slot values, in slot order (the same for any thread count). */
function recordReceivers(d: SolverData, step: number, range: StepRange): void {
  const nn = d.ngll * d.ngll;
  const first = captureBufferStart(d, step);
  for (let r = 0; r < d.nReceivers; r++) {
    const o = (step * d.nReceivers + r) * 6;
    for (let c = 0; c < 6; c++) {
      let sum = 0;
      for (let slot = r * nn; slot < (r + 1) * nn; slot++)
        sum += d.receiverWeights[slot] * d.receiverSlotValues[(first + slot) * 6 + c];
      d.records[o + c] = sum;
    }
  }
  range.onStep?.(step);
}
