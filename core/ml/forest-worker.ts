// Worker thread entry: grows the trees it was given and sends them back (see train.ts).
import { parentPort, workerData } from "node:worker_threads";
import { type GrowJob, growTrees } from "./forest.ts";

const job = workerData.data as GrowJob;
const port = parentPort;
if (!port) throw new Error("forest-worker.ts must run in a worker thread");
const result = growTrees(job, () => port.postMessage({ kind: "tree" }));
const transfer = [result.oobSum.buffer, result.oobCount.buffer];
for (const tree of result.trees) {
  for (const array of Object.values(tree)) transfer.push((array as Float64Array).buffer);
}
port.postMessage({ kind: "done", result }, transfer as ArrayBuffer[]);
