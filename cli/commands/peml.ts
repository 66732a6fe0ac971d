import { InputError } from "../../core/errors.ts";
import type { Command } from "../command.ts";
import { cvHelp, runCv } from "./peml/cv.ts";
import { evaluateHelp, runEvaluate } from "./peml/evaluate.ts";
import { explainHelp, runExplain } from "./peml/explain.ts";
import { predictHelp, runPredict } from "./peml/predict.ts";
import { runTrain, trainHelp } from "./peml/train.ts";

const subVerbs: Record<string, { help: string; run: (args: string[]) => Promise<number> }> = {
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

export const pemlCommand: Command = {
  name: "peml",
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
        `${sub === undefined ? "missing sub-verb" : `unknown sub-verb "${sub}"`}: use one of ${Object.keys(subVerbs).join(", ")} (see quakeslide peml --help)`,
      );
    return verb.run(rest);
  },
};
