// Worker thread entry: a TerrainSink (see sink.ts) that encodes some outputs on its own core. The
// main thread posts { rowStart, bands }, then { finish } or { abort }; each gets one reply.
import { parentPort, workerData } from "node:worker_threads";
import type { Grid } from "../raster/types.ts";
import { type OutputBands, type OutputKey, openLocalSink } from "./sink.ts";

const { outDir, grid, keys } = workerData.data as { outDir: string; grid: Grid; keys: OutputKey[] };
const sink = openLocalSink(outDir, grid, keys);
const port = parentPort;

port?.on(
  "message",
  async (message: { rowStart?: number; bands?: OutputBands; finish?: true; abort?: true }) => {
    try {
      if (message.abort) {
        await sink.abort();
        port.postMessage({ done: true });
      } else if (message.finish) {
        port.postMessage({ done: true, summaries: await sink.finish() });
      } else {
        await sink.add(message.rowStart as number, message.bands as OutputBands);
        port.postMessage({ done: true });
      }
    } catch (error) {
      port.postMessage({ error: { message: (error as Error).message, stack: (error as Error).stack } });
    }
  },
);
