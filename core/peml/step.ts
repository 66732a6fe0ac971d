// The physics-embedded model's steps, one function per `quakeslide peml` sub-verb, each taking one
// plain options object (validated by the zod schemas in schema.ts), so that the CLI and the Batch
// `train` container run the same code.
export { PEML_CV_OUTPUTS, type PemlCvSummary, runPemlCv } from "./step-cv.ts";
export { PEML_EVALUATE_OUTPUTS, type PemlEvaluateSummary, runPemlEvaluate } from "./step-evaluate.ts";
export { PEML_EXPLAIN_OUTPUTS, type PemlExplainSummary, runPemlExplain } from "./step-explain.ts";
export { PEML_PREDICT_OUTPUTS, type PemlPredictSummary, runPemlPredict } from "./step-predict.ts";
export { PEML_TRAIN_OUTPUTS, type PemlTrainSummary, runPemlTrain } from "./step-train.ts";
