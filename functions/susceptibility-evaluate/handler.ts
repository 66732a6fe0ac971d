// Lambda: scores a saved susceptibility model on (new) labelled points: AUROC, Brier score,
// calibration, confusion (core/ml). Event: { inputs: { model, inventory, covariates? }, params: { threshold? } }.
import { susceptibilityEvaluateOptionsSchema } from "../../core/ml/schema.ts";
import { runSusceptibilityEvaluate } from "../../core/ml/step-evaluate.ts";
import { createStepHandler } from "../shared/lambda.ts";

export const handler = createStepHandler({
  step: "susceptibility-evaluate",
  schema: susceptibilityEvaluateOptionsSchema,
  run: (options) => runSusceptibilityEvaluate(options),
});
