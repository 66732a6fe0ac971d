// The susceptibility steps, one function per CLI sub-verb, each taking one plain options object
// (validated by the zod schemas in schema.ts) so that the CLI, Lambda handlers and the Batch
// `train` container run the same code.
export { CV_OUTPUTS, type CvSummary, runSusceptibilityCv } from "./step-cv.ts";
export { EVALUATE_OUTPUTS, type EvaluateSummary, runSusceptibilityEvaluate } from "./step-evaluate.ts";
export { EXPLAIN_OUTPUTS, type ExplainSummary, runSusceptibilityExplain } from "./step-explain.ts";
export { PREDICT_OUTPUTS, type PredictSummary, runSusceptibilityPredict } from "./step-predict.ts";
export { runSusceptibilityTrain, TRAIN_OUTPUTS, type TrainSummary } from "./step-train.ts";
