import { startWorker } from "../util/workers.ts";
import type { OutputKey, SinkResult, TerrainGeometry, TerrainSink } from "./sink.ts";

interface Reply {
  done?: true;
  result?: SinkResult;
  error?: { message: string; stack?: string };
}

/**
 * A TerrainSink in a worker thread (sink-worker.ts), computing and encoding its outputs on its
 * own core. Strips are copied to it (the reading thread's own sink uses them too); the worker
 * answers every request in order, so each call waits for its own reply.
 */
export function openRemoteSink(outDir: string, geometry: TerrainGeometry, keys: OutputKey[]): TerrainSink {
  const worker = startWorker(new URL("./sink-worker.ts", import.meta.url), { outDir, geometry, keys });
  const waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void }[] = [];
  let failure: Error | undefined;
  worker.on("message", (reply: Reply) => {
    const next = waiting.shift();
    if (reply.error)
      next?.reject(Object.assign(new Error(reply.error.message), { stack: reply.error.stack }));
    else next?.resolve(reply);
  });
  worker.on("error", (error) => {
    failure = error;
    for (const pending of waiting.splice(0)) pending.reject(error);
  });

  function request(message: unknown): Promise<Reply> {
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      waiting.push({ resolve, reject });
      worker.postMessage(message);
    });
  }

  return {
    async add(strip) {
      await request({ strip });
    },
    async finish() {
      try {
        return (await request({ finish: true })).result ?? { summaries: {} };
      } finally {
        await worker.terminate();
      }
    },
    async abort() {
      try {
        await request({ abort: true });
      } catch {
        // The worker already failed: there is nothing more it can clean up.
      } finally {
        await worker.terminate();
      }
    },
  };
}
