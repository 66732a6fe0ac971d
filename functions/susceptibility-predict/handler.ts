// Lambda: susceptibility raster from a trained model and its covariate raster (core/ml).
// Event: { inputs: { model, covariates }, params: {} }.
import { susceptibilityPredictOptionsSchema } from "../../core/ml/schema.ts";
import { runSusceptibilityPredict } from "../../core/ml/step.ts";
import { createStepHandler } from "../shared/lambda.ts";

export const handler = createStepHandler({
  step: "susceptibility-predict",
  schema: susceptibilityPredictOptionsSchema,
  run: (options, onProgress) => runSusceptibilityPredict(options, onProgress),
  fixed: { threads: 1 },
});
