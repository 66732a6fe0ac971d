import { susceptibilityCvOptionsSchema } from "../../../core/ml/schema.ts";
import { CV_OUTPUTS, runSusceptibilityCv } from "../../../core/ml/step.ts";
import { MEMORY_LIMIT_HELP } from "../../options.ts";
import { writeOutputsAtomically } from "../../output.ts";
import { progressPrinter } from "../../progress.ts";
import { FOREST_HELP, fixed, INVENTORY_HELP, susceptibilityOptions, TUNING_DEFAULTS } from "./common.ts";

const options = susceptibilityOptions(susceptibilityCvOptionsSchema);

export const cvHelp = `quakeslide susceptibility cv — cross-validated AUROC of a learner on a landslide inventory

Usage: quakeslide susceptibility cv --inventory FILE --label COL --features A,B,C [options]

Repeated k-fold cross-validation. Spatial partitions cluster the point coordinates with k-means
(as mlr3spatiotempcv's spcv_coords), so test points lie away from training points; random
partitions (stratified by class) ignore space and are over-optimistic under spatial
autocorrelation.

${INVENTORY_HELP}

${FOREST_HELP}

Protocol:
  --partition spatial|random  fold construction (default ${options.defaultOf("partition")})
  --folds K             folds per repetition (default ${options.defaultOf("folds")})
  --repeats R           repetitions, each with new folds (default ${options.defaultOf("repeats")}; Geocomputation with R uses 100)
  --tune                nested CV: in each outer training set, random search over mtry (1..p),
                        min node size (1..10) and sample fraction (0.2..0.9) scored by inner
                        spatial CV; rf only
  --tune-evals N        random-search evaluations per outer fold (default ${TUNING_DEFAULTS.evaluations})
  --inner-folds K       inner spatial folds (default ${TUNING_DEFAULTS.innerFolds})
  --out DIR             also write cv.json (all scores) and folds.csv (line, repetition, fold)
${MEMORY_LIMIT_HELP}
  --json                print the summary as JSON only

Example:
  quakeslide susceptibility cv --inventory data/ecuador/lsl.csv --label lslpts \\
    --features slope,cplan,cprof,elev,log10_carea --partition spatial --folds 5 --repeats 10`;

export async function runCv(args: string[]): Promise<number> {
  const { options: parsed, flags } = options.parse(args);
  const progress = progressPrinter("susceptibility cv", flags.json === true);
  const { outDir } = parsed;
  const summary = outDir
    ? await writeOutputsAtomically(outDir, CV_OUTPUTS, (tmpDir) =>
        runSusceptibilityCv({ ...parsed, outDir: tmpDir }, progress),
      )
    : await runSusceptibilityCv(parsed, progress);
  if (flags.json) {
    console.log(JSON.stringify(summary));
    return 0;
  }
  console.log(
    `${summary.learner}, ${summary.partition} ${summary.folds}-fold CV x ${summary.repeats}${summary.tuned ? " (nested, tuned)" : ""}, ${summary.points} points`,
  );
  for (const s of summary.scores)
    console.log(
      `  repetition ${s.repetition + 1} fold ${s.fold + 1}: ${s.testSize} test points, AUROC ${fixed(s.auroc)}${s.hyper ? `, tuned mtry ${s.hyper.mtry}, min node size ${s.hyper.minNodeSize}, sample fraction ${fixed(s.hyper.sampleFraction, 2)}` : ""}`,
    );
  console.log(
    `AUROC mean ${fixed(summary.aurocMean)}, sd ${fixed(summary.aurocSd)} over ${summary.scoredFolds} folds`,
  );
  return 0;
}
