// Worker thread entry: a TerrainSink (see sink.ts) that computes and encodes some outputs on its
// own core. The main thread posts { strip }, then { finish } or { abort }; each gets one reply,
// in order: requests are handled one after the other, so the main thread may post ahead.
import { parentPort, workerData } from "node:worker_threads";
import { type OutputKey, openLocalSink, type TerrainGeometry, type TerrainStrip } from "./sink.ts";

const { outDir, geometry, keys } = workerData.data as {
  outDir: string;
  geometry: TerrainGeometry;
  keys: OutputKey[];
};
const sink = openLocalSink(outDir, geometry, keys);
const port = parentPort;

type Request = { strip?: TerrainStrip; finish?: true; abort?: true };
let queue = Promise.resolve();

port?.on("message", (message: Request) => {
  queue = queue.then(() => handle(message));
});

async function handle(message: Request): Promise<void> {
  if (!port) return;
  try {
    if (message.abort) {
      await sink.abort();
      port.postMessage({ done: true });
    } else if (message.finish) {
      port.postMessage({ done: true, result: await sink.finish() });
    } else {
      await sink.add(message.strip as TerrainStrip);
      port.postMessage({ done: true });
    }
  } catch (error) {
    port.postMessage({ error: { message: (error as Error).message, stack: (error as Error).stack } });
  }
}
