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

export interface WorkerMessage {
  step?: number;
  done?: boolean;
}

/**
 * Runs steps [from, to) with `threads` threads: in-process for one thread, otherwise that many
 * worker threads sharing the SolverData memory; thread 0 reports progress every `progressEvery`
 * steps. Consecutive ranges chain exactly (see runSteps).
 */
export async function runStepRange(
  d: SolverData,
  threads: number,
  steps: { from: number; to: number },
  onStep: (step: number) => void,
  progressEvery: number,
): Promise<void> {
  if (threads <= 1) {
    // In chunks of about a percent of the run, yielding in between, so that Ctrl-C and SIGTERM
    // handlers (which remove the CLI's temporary output folder) run during a long simulation.
    for (let from = steps.from; from < steps.to; from += progressEvery) {
      runSteps(d, 0, 1, () => {}, {
        from,
        to: Math.min(steps.to, from + progressEvery),
        onStep: (step) => (step % progressEvery === 0 || step === d.nsteps - 1) && onStep(step),
      });
      if (from + progressEvery < steps.to) await new Promise((resume) => setImmediate(resume));
    }
    return;
  }
  d.sync.fill(0);
  const workers = Array.from({ length: threads }, (_, thread) =>
    startWorker(new URL("./worker.ts", import.meta.url), { data: d, thread, threads, progressEvery, steps }),
  );
  const finished = workers.map(
    (worker) =>
      new Promise<void>((resolve, reject) => {
        worker.on("message", (message: WorkerMessage) => {
          if (message.step !== undefined) onStep(message.step);
          if (message.done) resolve();
        });
        worker.on("error", (error) => {
          signalFailure(d.sync);
          reject(error);
        });
        worker.on("exit", (code) =>
          code === 0 ? resolve() : reject(new Error(`SEM worker exited with code ${code}`)),
        );
      }),
  );
  try {
    await Promise.all(finished);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
