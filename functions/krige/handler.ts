// Lambda: kriging of soil samples onto a template grid (core/geostat).
// Event: { inputs: { samples, grid, covariates? }, params: { value, variogram, ... } }.
import { krigeOptionsSchema } from "../../core/geostat/schema.ts";
import { runKrige } from "../../core/geostat/step.ts";
import { createStepHandler } from "../shared/lambda.ts";

export const handler = createStepHandler({
  step: "krige",
  schema: krigeOptionsSchema,
  run: (options, onProgress) => runKrige(options, onProgress),
  fixed: { threads: 1 },
});
