import { availableParallelism } from "node:os";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Starts a worker thread from a module URL. From the sources the URL names a .ts file, which
 * worker-bootstrap.mjs loads through tsx (a worker does not inherit the main thread's loader);
 * in a bundle (dist/, a Lambda, an image) the build has rewritten it to the worker's own bundled
 * entry, which starts directly. The module reads its own data from `workerData.data`.
 */
export function startWorker(
  entry: URL,
  data: unknown,
  options: Omit<WorkerOptions, "workerData"> = {},
): Worker {
  const viaTsx = entry.pathname.endsWith(".ts");
  return new Worker(viaTsx ? new URL("./worker-bootstrap.mjs", import.meta.url) : entry, {
    ...options,
    workerData: { __entry: entry.href, data },
  });
}

/**
 * Whether worker threads load TypeScript sources through tsx (this module runs from its source),
 * which costs each ~0.3 s of CPU to start, or start from a bundle in a few hundredths of a second.
 */
export const WORKERS_LOAD_TYPESCRIPT = import.meta.url.endsWith(".ts");

/** Threads to use when the user does not say: every core, as the machine reports it. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}
