import { type Command, commandWithSubVerbs, type SubVerb } from "../command.ts";
import { cvHelp, runCv } from "./susceptibility/cv.ts";
import { evaluateHelp, runEvaluate } from "./susceptibility/evaluate.ts";
import { explainHelp, runExplain } from "./susceptibility/explain.ts";
import { predictHelp, runPredict } from "./susceptibility/predict.ts";
import { runTrain, trainHelp } from "./susceptibility/train.ts";

const subVerbs: Record<string, SubVerb> = {
  cv: { help: cvHelp, run: runCv },
  train: { help: trainHelp, run: runTrain },
  predict: { help: predictHelp, run: runPredict },
  explain: { help: explainHelp, run: runExplain },
  evaluate: { help: evaluateHelp, run: runEvaluate },
};

const overview = `quakeslide susceptibility — landslide susceptibility with random forests and spatial cross-validation

Usage: quakeslide susceptibility <cv|train|predict|explain|evaluate> [options]
       quakeslide susceptibility help <sub-verb>     (the help of one sub-verb)

  cv        cross-validated AUROC (spatial or random folds, repetitions, nested tuning)
  train     fit on all points, save a versioned model.json
  predict   susceptibility COG + PNG on a covariate raster
  explain   permutation importance and exact TreeSHAP of a random forest
  evaluate  AUROC, calibration and confusion of a saved model on a new inventory

Documentation: docs/susceptibility.md`;

export const susceptibilityCommand: Command = commandWithSubVerbs("susceptibility", overview, subVerbs);
