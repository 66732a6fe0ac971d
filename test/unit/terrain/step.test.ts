import assert from "node:assert/strict";
import { test } from "node:test";
import { isInputError } from "../../../core/errors.ts";
import { readRasterInfo } from "../../../core/raster/index.ts";
import type { TerrainSink } from "../../../core/terrain/sink.ts";
import { runTerrain } from "../../../core/terrain/step.ts";
import { streamTerrain } from "../../../core/terrain/stream.ts";

// Lambda handlers call runTerrain directly with an event's options: bad ones must be InputErrors.
test("runTerrain rejects invalid options as input errors naming the option", async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [
      { dem: "data/ecuador/dem.tif", outDir: "unused", method: "steepest" },
      /terrain options: method: must be one of horn, zevenbergen-thorne/,
    ],
    [{ dem: "", outDir: "unused" }, /terrain options: dem: must not be empty/],
    [
      { dem: "data/ecuador/dem.tif", outDir: "unused", band: 0 },
      /terrain options: band: must be >= 1, got 0/,
    ],
    [
      { dem: "data/ecuador/dem.tif", outDir: "unused", threads: 1.5 },
      /terrain options: threads: must be a whole number, got 1\.5/,
    ],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(
      runTerrain(options as Parameters<typeof runTerrain>[0]),
      (error) => isInputError(error) && message.test(error.message),
    );
  }
});

test("a sink that fails while the next strip is read fails the stream, with no unhandled rejection", async () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", record);
  try {
    const dem = "data/ecuador/ta.tif"; // 1-row strips: reads of 20 rows give 21 strips
    const info = await readRasterInfo(dem);
    let adds = 0;
    const failing: TerrainSink = {
      add: () =>
        ++adds === 2
          ? new Promise((_, reject) => setTimeout(() => reject(new Error("disk full")), 5))
          : Promise.resolve(),
      finish: async () => ({}),
      abort: async () => {},
    };
    await assert.rejects(
      streamTerrain({
        dem,
        info,
        bandIndex: 3,
        method: "horn",
        computeEdges: false,
        sinks: [{ sink: failing, keys: ["slope"] }],
        cellsPerRead: 383 * 20,
      }),
      /disk full/,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off("unhandledRejection", record);
  }
});
