import { availableParallelism } from "node:os";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker thread from a module URL (a .ts file works too, see worker-bootstrap.mjs).
 * The module reads its own data from `workerData.data`.
 */
export function startWorker(
  entry: URL,
  data: unknown,
  options: Omit<WorkerOptions, "workerData"> = {},
): Worker {
  return new Worker(new URL("./worker-bootstrap.mjs", import.meta.url), {
    ...options,
    workerData: { __entry: entry.href, data },
  });
}

/** Threads to use when the user does not say: every core, as the machine reports it. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}
