import { startWorker } from "../util/workers.ts";
import type { SolverData } from "./solver-data.ts";
import {
  PEER_FAILED,
  type StepSync,
  signalFailure,
  singleThread,
  stepSync,
  syncBuffer,
} from "./step-sync.ts";
import { runSteps } from "./stepper.ts";

/** Main thread → worker: run these steps. */
export interface StepRangeMessage {
  from: number;
  to: number;
}

/** What a worker is started with (besides the solver data). */
export interface WorkerSetup {
  data: SolverData;
  sync: Int32Array;
  thread: number;
  threads: number;
}

export interface StepRunner {
  /** Runs steps [from, to); consecutive ranges chain exactly (see runSteps). */
  run(steps: StepRangeMessage): Promise<void>;
  close(): Promise<void>;
}

/** The calling thread hands the event loop back this often (ms), so that Ctrl-C and timers work. */
const YIELD_EVERY_MS = 100;

/**
 * Steps [from, to) in slices of about YIELD_EVERY_MS between which the event loop runs (a signal
 * handler, a progress timer). Chained ranges give the same values as one range (see runSteps),
 * so the slicing changes nothing in the results.
 */
async function runSliced(steps: StepRangeMessage, runSlice: (slice: StepRangeMessage) => void) {
  let from = steps.from;
  let slice = 1;
  while (from < steps.to) {
    const to = Math.min(steps.to, from + slice);
    const started = performance.now();
    runSlice({ from, to });
    const perStep = (performance.now() - started) / (to - from);
    slice = Math.max(1, Math.round(YIELD_EVERY_MS / Math.max(perStep, 1e-3)));
    from = to;
    if (from < steps.to) await new Promise((resume) => setImmediate(resume));
  }
}

/**
 * Runs step ranges with `threads` threads (at most one per chunk of element columns): the calling
 * thread is thread 0, and threads − 1 worker threads share the SolverData memory, started once and
 * kept for every range of the simulation (snapshot pauses do not restart them). Each slice of
 * steps goes to the workers as a message; the calling thread runs its own share of the slice and
 * returns when every thread has finished it (runSteps' thread 0 waits for that before recording
 * the last step). Thread 0 reports progress every `progressEvery` steps.
 */
export function stepRunner(
  d: SolverData,
  requestedThreads: number,
  onStep: (step: number) => void,
  progressEvery: number,
): StepRunner {
  const threads = Math.max(1, Math.min(requestedThreads, d.chunkColumns.length - 1));
  const report = (step: number) => (step % progressEvery === 0 || step === d.nsteps - 1) && onStep(step);
  if (threads === 1) {
    const sync = singleThread();
    return {
      run: (steps) => runSliced(steps, (slice) => runSteps(d, sync, { ...slice, onStep: report })),
      close: async () => {},
    };
  }
  const buffer = syncBuffer(threads);
  const workers = Array.from({ length: threads - 1 }, (_, k) =>
    startWorker(new URL("./worker.ts", import.meta.url), {
      data: d,
      sync: buffer,
      thread: k + 1,
      threads,
    } satisfies WorkerSetup),
  );
  let failure: unknown;
  let failed = () => {};
  const failedEvent = new Promise<void>((resolve) => {
    failed = resolve;
  });
  let closing = false;
  const fail = (error: unknown) => {
    if (closing) return;
    failure ??= error;
    signalFailure(buffer);
    failed();
  };
  // A worker tells when its modules and kernels are loaded: until then the calling thread waits
  // with its event loop free, so that a worker that cannot start is reported, not waited for.
  const ready = Promise.all(
    workers.map((worker) => new Promise((resolve) => worker.once("message", resolve))),
  );
  for (const worker of workers) {
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (code !== 0) fail(new Error(`SEM worker exited with code ${code}`));
    });
  }
  const sync: StepSync = stepSync(buffer, 0, threads);
  return {
    run: async (steps) => {
      await Promise.race([ready, failedEvent]);
      if (failure) throw failure;
      try {
        await runSliced(steps, (slice) => {
          for (const worker of workers) worker.postMessage(slice satisfies StepRangeMessage);
          runSteps(d, sync, { ...slice, onStep: report });
        });
      } catch (error) {
        signalFailure(buffer);
        if (!(error instanceof Error && error.message === PEER_FAILED)) throw error;
        // The worker's own error arrives as an event: wait for it, to report the cause.
        await Promise.race([failedEvent, new Promise((resolve) => setTimeout(resolve, 1000))]);
        throw failure ?? error;
      }
    },
    close: async () => {
      closing = true;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
