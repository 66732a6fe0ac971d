import { defaultThreads, startWorker } from "../util/workers.ts";
import type { Forest } from "./forest.ts";
import { toRowMajor } from "./forest.ts";
import { packForest, predictPacked } from "./packed.ts";

/** Below this many row-trees the worker start-up (~0.2 s with the TypeScript loader) is not worth it. */
const THREADING_THRESHOLD = 20_000_000;

/**
 * Forest probabilities for many rows (a raster), split over worker threads that share the forest
 * and the feature matrix (SharedArrayBuffer, no copies). Rows with a NaN feature give NaN.
 */
export async function predictForestParallel(
  forest: Forest,
  columns: ArrayLike<number>[],
  rowCount: number,
  threads = defaultThreads(),
): Promise<Float64Array> {
  const workers = Math.max(1, Math.min(threads, Math.ceil(rowCount / 4096)));
  if (workers === 1 || rowCount * forest.trees.length < THREADING_THRESHOLD) {
    const out = new Float64Array(rowCount);
    predictPacked(packForest(forest), toRowMajor(columns, rowCount), rowCount, out);
    return out;
  }
  const packed = packForest(forest, true);
  const rows = new SharedArrayBuffer(rowCount * columns.length * 8);
  toRowMajor(columns, rowCount, rows);
  const out = new SharedArrayBuffer(rowCount * 8);
  const chunk = Math.ceil(rowCount / workers);
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const start = w * chunk;
      const end = Math.min(rowCount, start + chunk);
      return new Promise<void>((resolve, reject) => {
        const worker = startWorker(new URL("./predict-worker.ts", import.meta.url), {
          packed,
          rows,
          out,
          start,
          end,
        });
        worker.once("message", () => {
          resolve();
          void worker.terminate();
        });
        worker.once("error", reject);
      });
    }),
  );
  return new Float64Array(out);
}
