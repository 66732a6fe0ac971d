// Worker threads do not inherit the tsx loader of the main thread: register it here, then load
// the real worker module (TypeScript source in development, bundled JS in a Lambda or container).
import { workerData } from "node:worker_threads";

const entry = workerData.__entry;
if (entry.endsWith(".ts")) {
  const { register } = await import("tsx/esm/api");
  register();
}
await import(entry);
