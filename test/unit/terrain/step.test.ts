import assert from "node:assert/strict";
import { test } from "node:test";
import { isInputError } from "../../../core/errors.ts";
import { runTerrain } from "../../../core/terrain/step.ts";

// Lambda handlers call runTerrain directly with an event's options: bad ones must be InputErrors.
test("runTerrain rejects invalid options as input errors naming the option", async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ dem: "data/ecuador/dem.tif", outDir: "unused", method: "steepest" }, /invalid terrain option method/],
    [{ dem: "", outDir: "unused" }, /invalid terrain option dem/],
    [{ dem: "data/ecuador/dem.tif", outDir: "unused", band: 0 }, /invalid terrain option band/],
    [{ dem: "data/ecuador/dem.tif", outDir: "unused", threads: 1.5 }, /invalid terrain option threads/],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(
      runTerrain(options as Parameters<typeof runTerrain>[0]),
      (error) => isInputError(error) && message.test(error.message),
    );
  }
});
