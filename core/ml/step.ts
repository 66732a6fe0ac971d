// The susceptibility steps, one function per CLI sub-verb, each taking one plain options object
// (validated by the zod schemas in schema.ts) so that the CLI, Lambda handlers and the Batch
// `train` container run the same code.
export { runSusceptibilityCv, type CvSummary, CV_OUTPUTS } from "./step-cv.ts";
export { runSusceptibilityTrain, type TrainSummary, TRAIN_OUTPUTS } from "./step-train.ts";
export { runSusceptibilityPredict, type PredictSummary, PREDICT_OUTPUTS } from "./step-predict.ts";
export { runSusceptibilityExplain, type ExplainSummary, EXPLAIN_OUTPUTS } from "./step-explain.ts";
export { runSusceptibilityEvaluate, type EvaluateSummary, EVALUATE_OUTPUTS } from "./step-evaluate.ts";
