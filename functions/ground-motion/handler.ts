// Lambda: PGA and PGV maps on the area grid from an event (BSSA14) or a ShakeMap (core/groundmotion).
// Event: { inputs: { grid, event?, shakemap?, vs30? }, params: { vs30?, event? } }.
import { groundMotionOptionsSchema } from "../../core/groundmotion/schema.ts";
import { runGroundMotion } from "../../core/groundmotion/step.ts";
import { createStepHandler } from "../shared/lambda.ts";

export const handler = createStepHandler({
  step: "ground-motion",
  schema: groundMotionOptionsSchema,
  run: (options) => runGroundMotion(options),
});
