// Lambda: hazard classes from P(f) and susceptibility, area and exposure per class (core/hazard).
// Event: { inputs: { pf, susceptibility, exposure? }, params: { exposureName?, pfBreaks?, ... } }.
import { hazardOptionsSchema } from "../../core/hazard/schema.ts";
import { runHazard } from "../../core/hazard/step.ts";
import { createStepHandler } from "../shared/lambda.ts";

export const handler = createStepHandler({
  step: "hazard",
  schema: hazardOptionsSchema,
  run: (options) => runHazard(options),
});
