import { InputError } from "../../core/errors.ts";
import type { Command } from "../command.ts";
import { cvHelp, runCv } from "./susceptibility/cv.ts";
import { evaluateHelp, runEvaluate } from "./susceptibility/evaluate.ts";
import { explainHelp, runExplain } from "./susceptibility/explain.ts";
import { predictHelp, runPredict } from "./susceptibility/predict.ts";
import { runTrain, trainHelp } from "./susceptibility/train.ts";

const subVerbs: Record<string, { help: string; run: (args: string[]) => Promise<number> }> = {
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

export const susceptibilityCommand: Command = {
  name: "susceptibility",
  help: overview,
  helpFor: ([sub]) => (sub !== undefined && subVerbs[sub] ? subVerbs[sub].help : overview),
  async run(args: string[]): Promise<number> {
    const [sub, ...rest] = args;
    if (sub === "help") {
      console.log(rest[0] && subVerbs[rest[0]] ? subVerbs[rest[0]].help : overview);
      return 0;
    }
    const verb = sub === undefined ? undefined : subVerbs[sub];
    if (!verb)
      throw new InputError(
        `${sub === undefined ? "missing sub-verb" : `unknown sub-verb "${sub}"`}: use one of ${Object.keys(subVerbs).join(", ")} (see quakeslide susceptibility --help)`,
      );
    return verb.run(rest);
  },
};
