// Lambda: infinite-slope factor of safety and critical acceleration (core/stability), and with a
// variance raster P(FS < 1) and the spread of a_c. Event: { inputs: { slope, <soil rasters>?,
// variance? }, params: { <soil constants>, uncertainty? } }.
import { stabilityOptionsSchema } from "../../core/stability/schema.ts";
import { runStabilityWithUncertainty } from "../../core/stability/uncertainty-step.ts";
import { createStepHandler } from "../shared/lambda.ts";

export const handler = createStepHandler({
  step: "stability",
  schema: stabilityOptionsSchema,
  run: (options) => runStabilityWithUncertainty(options),
});
