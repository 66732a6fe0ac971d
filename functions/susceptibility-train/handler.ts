// Lambda: random-forest / GLM training for small inventories (core/ml); large ones go to the
// `train` Batch container, which runs the same step. Event: { inputs: { inventory, covariates? }, params }.
import { susceptibilityTrainOptionsSchema } from "../../core/ml/schema.ts";
import { runSusceptibilityTrain } from "../../core/ml/step.ts";
import { createStepHandler } from "../shared/lambda.ts";

export const handler = createStepHandler({
  step: "susceptibility-train",
  schema: susceptibilityTrainOptionsSchema,
  run: (options, onProgress) => runSusceptibilityTrain(options, onProgress),
  fixed: { threads: 1 },
});
