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
 * (ownedPoints). It meets the others only at those lines (step-sync.ts): its first column (phase
 * A, done first) reads and adds to the line of the previous thread, so it waits for that
 * thread's corrector; the last column of its last chunk (phase B, done last) adds to its own line
 * after the next thread's first column, so it waits for that. Every point left of that last
 * column has all its contributions before it, so the point work (sources, Stacey dashpots and
 * one sweep: the corrector of step k and the predictor of step k + 1) runs in two parts: those
 * points before the wait, the last column's after it. Almost the whole step lies between the two
 * waits, so either thread can fall behind by most of a step before the other has to wait. Just
 * before the sweep a thread captures the receivers' points it owns into the buffer of the step's
 * parity; thread 0 sums the previous step's buffer once every thread has filled it.
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
  const firstColumn = d.chunkColumns[chunk0];
  const lastColumn = d.chunkColumns[chunk1] - 1;
  // The points left of the last column are complete before it runs (see above).
  const early = pointPart(d, p0, lastColumn * (d.ngll - 1) * d.npz);
  const late = pointPart(d, early.p1, p1);
  const kernels = stepKernels(d, thread);
  const finishPoints = (part: PointPart, step: number) => {
    addSources(d, step, part.p0, part.p1);
    addStaceyForces(d, part.firstStacey, part.p1);
    if (part.firstSlot < part.endSlot) {
      sync.waitFirstCorrected();
      captureReceivers(d, part, step);
    }
    kernels.correct(part.p0, part.p1, step + 1 < range.to);
  };
  kernels.predict(p0, p1);
  sync.corrected();
  for (let step = range.from; step < range.to; step++) {
    sync.waitLeftCorrected();
    kernels.forces(firstColumn, firstColumn + 1);
    sync.firstColumnDone();
    kernels.forces(firstColumn + 1, d.chunkColumns[chunk0 + 1] - 1);
    for (let k = chunk0 + 1; k < chunk1; k++) kernels.forces(d.chunkColumns[k], d.chunkColumns[k + 1] - 1);
    for (let k = chunk0; k < chunk1 - 1; k++)
      kernels.forces(d.chunkColumns[k + 1] - 1, d.chunkColumns[k + 1]);
    finishPoints(early, step);
    sync.waitRightFirstColumn();
    kernels.forces(lastColumn, lastColumn + 1);
    if (thread === 0 && step > range.from) {
      sync.waitAllCorrected();
      recordReceivers(d, step - 1, range);
    }
    finishPoints(late, step);
    sync.corrected();
  }
  if (thread === 0 && range.to > range.from) {
    sync.waitAllCorrected();
    recordReceivers(d, range.to - 1, range);
  }
}

/** Points [p0, p1) with the index ranges of their Stacey points and receiver slots. */
interface PointPart {
  p0: number;
  p1: number;
  firstStacey: number;
  firstSlot: number;
  endSlot: number;
}

function pointPart(d: SolverData, p0: number, p1: number): PointPart {
  const { points } = d.stacey;
  let firstStacey = 0;
  while (firstStacey < points.length && points[firstStacey] < p0) firstStacey++;
  const nSlots = d.nReceivers * d.ngll * d.ngll;
  const slotPoint = (slot: number) => d.receiverPoints[d.receiverSlotOrder[slot]];
  let firstSlot = 0;
  while (firstSlot < nSlots && slotPoint(firstSlot) < p0) firstSlot++;
  let endSlot = firstSlot;
  while (endSlot < nSlots && slotPoint(endSlot) < p1) endSlot++;
  return { p0, p1, firstStacey, firstSlot, endSlot };
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
 * the part, into the buffer of the step's parity. Computed in Float64 from the
 * stored values, with the corrector's formulas (in double precision the same values as the
 * sweep's, to the bit).
 */
function captureReceivers(d: SolverData, part: PointPart, step: number): void {
  const { dt, ux, uz, vx, vz, ax, az, invMassX, invMassZ } = d;
  const { receiverSlotOrder: slotOrder, receiverPoints: slotPoint, receiverSlotValues: slotValues } = d;
  for (let slot = part.firstSlot; slot < part.endSlot; slot++) {
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
 * The Stacey dashpot force −c v of the absorbing edges' points from index `first` up to point p1, with the
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
