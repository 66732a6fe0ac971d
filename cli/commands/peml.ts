import { type Command, commandWithSubVerbs, type SubVerb } from "../command.ts";
import { cvHelp, runCv } from "./peml/cv.ts";
import { evaluateHelp, runEvaluate } from "./peml/evaluate.ts";
import { explainHelp, runExplain } from "./peml/explain.ts";
import { predictHelp, runPredict } from "./peml/predict.ts";
import { runTrain, trainHelp } from "./peml/train.ts";

const subVerbs: Record<string, SubVerb> = {
  cv: { help: cvHelp, run: runCv },
  train: { help: trainHelp, run: runTrain },
  predict: { help: predictHelp, run: runPredict },
  evaluate: { help: evaluateHelp, run: runEvaluate },
  explain: { help: explainHelp, run: runExplain },
};

const overview = `quakeslide peml — physics-embedded learning of soil parameters from a landslide inventory

Usage: quakeslide peml <cv|train|predict|evaluate|explain> [options]
       quakeslide peml help <sub-verb>     (the help of one sub-verb)

A small neural network maps covariates to c', phi', m and t within physical bounds; the
infinite-slope formula (and, with a PGA raster, the Newmark regression) turns them into FS, a_c
and an implied probability of failure that is fitted to the inventory, with published priors.

  cv        spatial CV AUROC of the model beside the random forest and the GLM on the same folds
  train     fit on all points, save a versioned model.json
  predict   c', phi', m, t, FS, a_c and P(f) maps (COG + PNG) and a plausibility report
  evaluate  AUROC, calibration and top-10 % hit rate of a saved model on a later event's inventory
  explain   exact Shapley values of FS and a_c over the seven geotechnical covariates, and of the model

Documentation: docs/peml.md`;

export const pemlCommand: Command = commandWithSubVerbs("peml", overview, subVerbs);
