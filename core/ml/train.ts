import { defaultThreads, startWorker } from "../util/workers.ts";
import {
  combineOutOfBag,
  type Forest,
  type ForestParams,
  type GrowJob,
  type GrowResult,
  growTrees,
  type OutOfBag,
  prepareJob,
} from "./forest.ts";

export interface TrainOptions {
  /** Worker threads; default every core. Small problems stay on the calling thread. */
  threads?: number;
  onProgress?: (fraction: number, message?: string) => void;
}

/** Below this many row-trees, starting worker threads costs more than it saves. */
const THREADING_THRESHOLD = 2_000_000;

/** Trains a random forest classifier on column-major features and 0/1 labels. */
export async function trainForest(
  columns: Float64Array[],
  label: Uint8Array,
  params: ForestParams,
  options: TrainOptions = {},
): Promise<{ forest: Forest; outOfBag: OutOfBag }> {
  const n = label.length;
  const base = prepareJob(columns, label, params);
  const threads = Math.min(options.threads ?? defaultThreads(), params.numTrees);
  const treeIds = Array.from({ length: params.numTrees }, (_, t) => t);
  let done = 0;
  const onTree = () => options.onProgress?.(++done / params.numTrees, `tree ${done}/${params.numTrees}`);
  let results: GrowResult[];
  if (threads <= 1 || n * params.numTrees < THREADING_THRESHOLD) {
    results = [growTrees({ ...base, treeIds }, onTree)];
  } else {
    // Contiguous runs of tree ids per worker: concatenating the results keeps tree-id order, so
    // the forest is identical for any thread count.
    const chunk = Math.ceil(params.numTrees / threads);
    const shares = Array.from({ length: threads }, (_, w) => treeIds.slice(w * chunk, (w + 1) * chunk));
    results = await Promise.all(shares.map((ids) => growInWorker({ ...base, treeIds: ids }, onTree)));
  }
  const trees = results.flatMap((r) => r.trees);
  return { forest: { featureCount: columns.length, trees }, outOfBag: combineOutOfBag(results, n) };
}

function growInWorker(job: GrowJob, onTree: () => void): Promise<GrowResult> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(new URL("./forest-worker.ts", import.meta.url), job);
    worker.on("message", (message: { kind: string; result?: GrowResult }) => {
      if (message.kind === "tree") onTree();
      else if (message.result) {
        resolve(message.result);
        void worker.terminate();
      }
    });
    worker.on("error", reject);
    worker.on("exit", (code) => {
      if (code !== 0) reject(new Error(`forest worker exited with code ${code}`));
    });
  });
}
