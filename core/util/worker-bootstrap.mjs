// Worker threads do not inherit the tsx loader of the main thread: register it here, then load
// the worker's TypeScript module. Bundled workers (dist/, Lambdas, images) start without it.
import { workerData } from "node:worker_threads";

const { register } = await import("tsx/esm/api");
register();
await import(workerData.__entry);
