// Lambda: infinite-slope factor of safety and critical acceleration (core/stability).
// Event: { inputs: { slope, <soil rasters>? }, params: { <soil constants> } }.
import { stabilityOptionsSchema } from "../../core/stability/schema.ts";
import { runStability } from "../../core/stability/step.ts";
import { createStepHandler } from "../shared/lambda.ts";

export const handler = createStepHandler({
  step: "stability",
  schema: stabilityOptionsSchema,
  run: (options) => runStability(options),
});
