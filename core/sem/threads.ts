import type { Worker } from "node:worker_threads";
import { startWorker } from "../util/workers.ts";
import type { SolverData } from "./solver-data.ts";
import { runSteps } from "./stepper.ts";

/** A reusable barrier over Atomics: spin briefly (steps are short), then sleep on the futex. */
export function atomicsBarrier(sync: Int32Array, threads: number): () => void {
  return () => {
    const generation = Atomics.load(sync, 1);
    if (Atomics.add(sync, 0, 1) === threads - 1) {
      Atomics.store(sync, 0, 0);
      Atomics.add(sync, 1, 1);
      Atomics.notify(sync, 1);
      return;
    }
    let spins = 0;
    while (Atomics.load(sync, 1) === generation) {
      if (Atomics.load(sync, 2) !== 0) throw new Error("another SEM thread failed");
      if (spins++ < 4000) continue;
      Atomics.wait(sync, 1, generation, 50);
    }
  };
}

/** Marks the run as failed and wakes every waiting thread so that none hangs at a barrier. */
export function signalFailure(sync: Int32Array): void {
  Atomics.store(sync, 2, 1);
  Atomics.notify(sync, 1);
}

/** Main thread → worker: run these steps. */
export interface StepRangeMessage {
  from: number;
  to: number;
}

/** Worker → main thread: a progress report, or the end of the range. */
export interface WorkerMessage {
  step?: number;
  done?: boolean;
}

export interface StepRunner {
  /** Runs steps [from, to); consecutive ranges chain exactly (see runSteps). */
  run(steps: StepRangeMessage): Promise<void>;
  close(): Promise<void>;
}

/** In-process runs hand the event loop back this often (ms), so that Ctrl-C and timers work. */
const YIELD_EVERY_MS = 100;

/**
 * Steps [from, to) on the calling thread, in slices of about YIELD_EVERY_MS between which the
 * event loop runs (a signal handler, a progress timer). Chained ranges give the same values as
 * one range (see runSteps), so the slicing changes nothing in the results.
 */
async function runInProcess(d: SolverData, steps: StepRangeMessage, onStep: (step: number) => void) {
  let from = steps.from;
  let slice = 1;
  while (from < steps.to) {
    const to = Math.min(steps.to, from + slice);
    const started = performance.now();
    runSteps(d, 0, 1, () => {}, { from, to, onStep });
    const perStep = (performance.now() - started) / (to - from);
    slice = Math.max(1, Math.round(YIELD_EVERY_MS / Math.max(perStep, 1e-3)));
    from = to;
    if (from < steps.to) await new Promise((resume) => setImmediate(resume));
  }
}

/**
 * Runs step ranges with `threads` threads: on the calling thread for one thread, otherwise that
 * many worker threads sharing the SolverData memory, started once and kept for every range of
 * the simulation (snapshot pauses do not restart them). Thread 0 reports progress every
 * `progressEvery` steps.
 */
export function stepRunner(
  d: SolverData,
  threads: number,
  onStep: (step: number) => void,
  progressEvery: number,
): StepRunner {
  const report = (step: number) => (step % progressEvery === 0 || step === d.nsteps - 1) && onStep(step);
  if (threads <= 1) {
    return { run: (steps) => runInProcess(d, steps, report), close: async () => {} };
  }
  d.sync.fill(0);
  const workers = Array.from({ length: threads }, (_, thread) =>
    startWorker(new URL("./worker.ts", import.meta.url), { data: d, thread, threads, progressEvery }),
  );
  let pending: { remaining: number; resolve: () => void; reject: (error: unknown) => void } | undefined;
  let failure: unknown;
  let closing = false;
  const fail = (error: unknown) => {
    if (closing) return;
    failure ??= error;
    signalFailure(d.sync);
    pending?.reject(failure);
    pending = undefined;
  };
  for (const worker of workers) {
    worker.on("message", (message: WorkerMessage) => {
      if (message.step !== undefined) onStep(message.step);
      if (message.done && pending && --pending.remaining === 0) {
        pending.resolve();
        pending = undefined;
      }
    });
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (code !== 0) fail(new Error(`SEM worker exited with code ${code}`));
    });
  }
  return {
    run: (steps) =>
      new Promise<void>((resolve, reject) => {
        if (failure) return reject(failure);
        pending = { remaining: workers.length, resolve, reject };
        for (const worker of workers) worker.postMessage(steps satisfies StepRangeMessage);
      }),
    close: async () => {
      closing = true;
      await Promise.all(workers.map((worker: Worker) => worker.terminate()));
    },
  };
}
