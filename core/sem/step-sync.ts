/**
 * How the threads of a run wait for each other (see stepper.ts): not a barrier, but per-thread
 * progress counters that only the neighbours read. Thread t needs (1) its right neighbour's first
 * element column of the step done before it finishes the points they share, and (2) its left
 * neighbour's corrector done before its own first column of the next step reads and adds to the
 * points they share. Both come early in the other thread's step, so a thread that is a little
 * late (the OS or the hypervisor took its core for a moment) does not stop the other: each may
 * run up to about half a step ahead, where a barrier made every step as slow as the slower side.
 */

/** Int32 slots per counter: one 64-byte cache line each, so no two threads write the same line. */
const LINE = 16;
/** Line 0: set when any thread failed; then line 1 + 2t: thread t's first columns, 2 + 2t: its correctors. */
const FAILED = 0;
const firstColumns = (thread: number) => (1 + 2 * thread) * LINE;
const correctors = (thread: number) => (2 + 2 * thread) * LINE;

/**
 * Spins before sleeping on the futex. A wait is usually a neighbour a few microseconds behind
 * (spinning catches it at once); sleeping and being woken costs tens of microseconds on a
 * virtual machine, a large part of a ~1 ms step. 20,000 loads are ~0.1 ms.
 */
const SPINS = 20_000;

export const PEER_FAILED = "another SEM thread failed";

export interface StepSync {
  thread: number;
  threads: number;
  /** This thread has done its first element column of the step. */
  firstColumnDone(): void;
  /** Waits for the right neighbour's first column of the step this thread is in. */
  waitRightFirstColumn(): void;
  /** This thread has corrected (and predicted) its points: the step, or the range's start. */
  corrected(): void;
  /** Waits for the left neighbour to have corrected as often as this thread. */
  waitLeftCorrected(): void;
  /** Waits for every thread to have corrected as often as this thread. */
  waitAllCorrected(): void;
  /** Waits for thread 0 to have corrected as often as this thread (see stepper.ts's receivers). */
  waitFirstCorrected(): void;
}

/** Shared memory for the counters of `threads` threads (zero: nothing done yet). */
export function syncBuffer(threads: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer((1 + 2 * threads) * LINE * 4));
}

/** Marks the run as failed and wakes every sleeping thread, so that none waits forever. */
export function signalFailure(sync: Int32Array): void {
  Atomics.store(sync, FAILED, 1);
  for (let index = LINE; index < sync.length; index += LINE) Atomics.notify(sync, index);
}

function waitAtLeast(sync: Int32Array, index: number, count: number): void {
  let spins = 0;
  for (;;) {
    const seen = Atomics.load(sync, index);
    if (seen >= count) return;
    if (Atomics.load(sync, FAILED) !== 0) throw new Error(PEER_FAILED);
    if (++spins > SPINS) Atomics.wait(sync, index, seen, 50);
  }
}

function signal(sync: Int32Array, index: number, count: number): void {
  Atomics.store(sync, index, count);
  Atomics.notify(sync, index);
}

/**
 * Thread `thread`'s view of the counters. Every thread signals the same sequence, so "the
 * neighbour has done as many as I have" is the whole test; the counters only grow over a run
 * (chained step ranges included), so the buffer must be fresh for each run.
 */
export function stepSync(sync: Int32Array, thread: number, threads: number): StepSync {
  let columns = 0;
  let corrections = 0;
  const hasLeft = thread > 0;
  const hasRight = thread < threads - 1;
  return {
    thread,
    threads,
    firstColumnDone: () => signal(sync, firstColumns(thread), ++columns),
    waitRightFirstColumn: () => hasRight && waitAtLeast(sync, firstColumns(thread + 1), columns),
    corrected: () => signal(sync, correctors(thread), ++corrections),
    waitLeftCorrected: () => hasLeft && waitAtLeast(sync, correctors(thread - 1), corrections),
    waitAllCorrected: () => {
      for (let other = 0; other < threads; other++)
        if (other !== thread) waitAtLeast(sync, correctors(other), corrections);
    },
    waitFirstCorrected: () => hasLeft && waitAtLeast(sync, correctors(0), corrections),
  };
}

/** The one thread of a run on the calling thread alone: nothing to wait for. */
export function singleThread(): StepSync {
  const none = () => {};
  return {
    thread: 0,
    threads: 1,
    firstColumnDone: none,
    waitRightFirstColumn: none,
    corrected: none,
    waitLeftCorrected: none,
    waitAllCorrected: none,
    waitFirstCorrected: none,
  };
}
