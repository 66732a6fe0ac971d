// Worker thread entry: runs one share of the terrain outputs (see step.ts) and posts the result.
import { parentPort, workerData } from "node:worker_threads";
import { isInputError } from "../errors.ts";
import { type TerrainPart, runTerrainPart } from "./part.ts";

const part = workerData.data as TerrainPart;
try {
  const result = await runTerrainPart(part, (fraction) => parentPort?.postMessage({ progress: fraction }));
  parentPort?.postMessage({ result });
} catch (error) {
  // InputErrors must reach the user as such (exit 2), so send what rebuilds one.
  const inputError = isInputError(error) ? { message: error.message, file: error.file } : undefined;
  parentPort?.postMessage({ error: { message: (error as Error).message, stack: (error as Error).stack, inputError } });
}
