import { InputError } from "../../../core/errors.ts";
import { PEML_CV_OUTPUTS, runPemlCv } from "../../../core/peml/step.ts";
import { parseOptions } from "../../command.ts";
import { writeOutputsAtomically } from "../../output.ts";
import { progressPrinter } from "../../progress.ts";
import {
  fixed,
  forestOptions,
  INVENTORY_HELP,
  integerOption,
  inventoryFrom,
  inventoryOptions,
  learnerFrom,
  textOption,
} from "../susceptibility/common.ts";
import { MODEL_HELP, modelOptions, modelSettingsFrom } from "./common.ts";

export const cvHelp = `quakeslide peml cv — spatial cross-validation of the physics-embedded model beside the random forest and the GLM

Usage: quakeslide peml cv --inventory FILE --label COL (--features A,B,C | --covariates TIF) [options]

Repeated k-fold cross-validation, exactly as "quakeslide susceptibility cv" (k-means spatial folds
or stratified random folds, same seed = same folds), of three learners on the same folds: the
physics-embedded model (a network maps the covariates to c', phi', m and t, the infinite slope
turns them into FS and P(f)), a random forest and a logistic regression (GLM) on the same
features. Prints the AUROC of each.

${INVENTORY_HELP}
  The slope column (--slope) is read even when --features does not list it.

${MODEL_HELP}

Random forest of the comparison:
  --trees N             trees (default 100); --mtry, --min-node-size, --sample-fraction,
                        --without-replacement as in "susceptibility cv"

Protocol:
  --partition spatial|random  fold construction (default spatial)
  --folds K             folds per repetition (default 5)
  --repeats R           repetitions, each with new folds (default 1)
  --out DIR             also write cv.json (every fold's AUROC per learner) and folds.csv
  --json                print the summary as JSON only

Example:
  quakeslide peml cv --inventory data/ecuador/lsl.csv --label lslpts \\
    --features slope,cplan,cprof,elev,log10_carea --partition spatial --folds 5 --repeats 5`;

export async function runCv(args: string[]): Promise<number> {
  const { values: parsed } = parseOptions(args, {
    ...inventoryOptions,
    ...forestOptions,
    ...modelOptions,
    partition: { type: "string" },
    folds: { type: "string" },
    repeats: { type: "string" },
    out: { type: "string" },
    json: { type: "boolean" },
  });
  const { prior, ...values } = parsed;
  if (values.learner !== undefined)
    throw new InputError("peml cv scores all three learners; --learner does not apply (see --help)");
  const partition = textOption(values, "partition") ?? "spatial";
  if (partition !== "spatial" && partition !== "random")
    throw new InputError(`--partition must be spatial or random, got "${partition}"`);
  const options = {
    ...inventoryFrom(values),
    ...modelSettingsFrom(values, prior),
    forest: learnerFrom(values).forest,
    partition: partition as "spatial" | "random",
    folds: integerOption(values, "folds"),
    repeats: integerOption(values, "repeats"),
  };
  const out = textOption(values, "out");
  const progress = progressPrinter("peml cv", values.json === true);
  const summary = out
    ? await writeOutputsAtomically(out, PEML_CV_OUTPUTS, (outDir) =>
        runPemlCv({ ...options, outDir }, progress),
      )
    : await runPemlCv(options, progress);
  if (values.json) {
    console.log(JSON.stringify(summary));
    return 0;
  }
  console.log(
    `${summary.partition} ${summary.folds}-fold CV x ${summary.repeats}, ${summary.points} points; network covariates ${summary.networkFeatures.join(", ") || "none"}, slope "${summary.slope}"${summary.seismic ? ", with the Newmark term" : ""}`,
  );
  console.log("learner   AUROC mean   sd      scored folds");
  for (const l of summary.learners)
    console.log(
      `${l.learner.padEnd(8)}  ${fixed(l.aurocMean).padEnd(11)}  ${fixed(l.aurocSd).padEnd(6)}  ${l.scoredFolds}`,
    );
  return 0;
}
