// Lambda: Newmark displacement and probability of failure maps (core/stability).
// Event: { inputs: { ac, record | pga, pgv?, arias? }, params: { model?, magnitude?, ... } }.
import { newmarkMapOptionsSchema } from "../../core/stability/schema.ts";
import { runNewmarkMap } from "../../core/stability/step.ts";
import { createStepHandler } from "../shared/lambda.ts";

export const handler = createStepHandler({
  step: "newmark-map",
  schema: newmarkMapOptionsSchema,
  run: (options) => runNewmarkMap(options),
});
