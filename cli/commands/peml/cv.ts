import { pemlCvOptionsSchema } from "../../../core/peml/schema.ts";
import { PEML_CV_OUTPUTS, runPemlCv } from "../../../core/peml/step.ts";
import { MEMORY_LIMIT_HELP } from "../../options.ts";
import { writeOutputsAtomically } from "../../output.ts";
import { progressPrinter } from "../../progress.ts";
import { fixed, INVENTORY_HELP } from "../susceptibility/common.ts";
import { MODEL_HELP, pemlOptions, priorsFrom } from "./common.ts";

const options = pemlOptions(pemlCvOptionsSchema, true);

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
  --trees N             trees (default ${options.defaultOf("trees")}); --mtry, --min-node-size, --sample-fraction,
                        --without-replacement as in "susceptibility cv"

Protocol:
  --partition spatial|random  fold construction (default ${options.defaultOf("partition")})
  --folds K             folds per repetition (default ${options.defaultOf("folds")})
  --repeats R           repetitions, each with new folds (default ${options.defaultOf("repeats")})
  --out DIR             also write cv.json (every fold's AUROC per learner) and folds.csv
${MEMORY_LIMIT_HELP}
  --json                print the summary as JSON only

Example:
  quakeslide peml cv --inventory data/ecuador/lsl.csv --label lslpts \\
    --features slope,cplan,cprof,elev,log10_carea --partition spatial --folds 5 --repeats 5`;

export async function runCv(args: string[]): Promise<number> {
  const { options: parsed, flags } = options.parse(args);
  const stepOptions = { ...parsed, priors: priorsFrom(flags) };
  const progress = progressPrinter("peml cv", flags.json === true);
  const { outDir } = parsed;
  const summary = outDir
    ? await writeOutputsAtomically(outDir, PEML_CV_OUTPUTS, (tmpDir) =>
        runPemlCv({ ...stepOptions, outDir: tmpDir }, progress),
      )
    : await runPemlCv(stepOptions, progress);
  if (flags.json) {
    console.log(JSON.stringify(summary));
    return 0;
  }
  console.log(
    `${summary.partition} ${summary.folds}-fold CV x ${summary.repeats}, ${summary.points} points; network covariates ${summary.networkFeatures.join(", ") || "none"}; slope from "${summary.slope}"${summary.seismic ? "; with the Newmark term" : ""}`,
  );
  console.log("learner   AUROC mean   sd      scored folds");
  for (const l of summary.learners)
    console.log(
      `${l.learner.padEnd(8)}  ${fixed(l.aurocMean).padEnd(11)}  ${fixed(l.aurocSd).padEnd(6)}  ${l.scoredFolds}`,
    );
  return 0;
}
