// Lambda: slope, aspect and curvatures of a DEM (core/terrain). Event: { inputs: { dem }, params }.
import { terrainOptionsSchema } from "../../core/terrain/schema.ts";
import { runTerrain } from "../../core/terrain/step.ts";
import { createStepHandler } from "../shared/lambda.ts";

export const handler = createStepHandler({
  step: "terrain",
  schema: terrainOptionsSchema,
  run: (options, onProgress) => runTerrain(options, { onProgress }),
  fixed: { threads: 1 },
});
