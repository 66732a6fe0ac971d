import { pemlTrainOptionsSchema } from "../../../core/peml/schema.ts";
import { PEML_TRAIN_OUTPUTS, runPemlTrain } from "../../../core/peml/step.ts";
import { MEMORY_LIMIT_HELP } from "../../options.ts";
import { writeOutputsAtomically } from "../../output.ts";
import { progressPrinter } from "../../progress.ts";
import { fixed, INVENTORY_HELP } from "../susceptibility/common.ts";
import { MODEL_HELP, pemlOptions, priorsFrom } from "./common.ts";

const options = pemlOptions(pemlTrainOptionsSchema, true);

export const trainHelp = `quakeslide peml train — fit the physics-embedded soil model on a landslide inventory and save it

Usage: quakeslide peml train --inventory FILE --label COL (--features A,B,C | --covariates TIF) --out DIR [options]

A small neural network maps the covariates (terrain, class codes, kriged soil rasters) to the
effective cohesion c' (kPa), friction angle phi' (degrees, 15-45), saturated fraction m (0-1) and
slab thickness t (m); the infinite-slope formula turns them into FS, and the loss compares the
implied probability of failure P(f) = sigmoid(-ln FS / s) (with --pga also the Newmark term) with
the labels, plus Gaussian priors on the four parameters. Deterministic for a seed.

Writes DIR/model.json (versioned: network, physics constants, priors, the training inventory's
sha256, spatial-CV AUROC) and DIR/history.csv (log-loss, prior and total loss per epoch).

${INVENTORY_HELP}

${MODEL_HELP}

Output:
  --out DIR             output folder (required; new, empty, or holding only this verb's files)
  --cv-repeats R        spatial CV repetitions stored in the model (default ${options.defaultOf("cv-repeats")}; 0 skips)
  --cv-folds K          folds of that CV (default ${options.defaultOf("cv-folds")})
${MEMORY_LIMIT_HELP}
  --json                print the summary as JSON only

Example:
  quakeslide peml train --inventory data/ecuador/lsl.csv --label lslpts \\
    --covariates data/ecuador/ta.tif --out out/peml-model`;

export async function runTrain(args: string[]): Promise<number> {
  const { options: parsed, flags } = options.parse(args);
  const out = parsed.outDir;
  const summary = await writeOutputsAtomically(out, PEML_TRAIN_OUTPUTS, (tmpDir) =>
    runPemlTrain(
      { ...parsed, priors: priorsFrom(flags), outDir: tmpDir },
      progressPrinter("peml train", flags.json === true),
    ),
  );
  if (flags.json) {
    console.log(JSON.stringify({ ...summary, model: `${out}/model.json` }));
    return 0;
  }
  console.log(
    `${summary.points} points (${summary.landslides} landslides); network covariates ${summary.features.join(", ") || "none"}, slope "${summary.slope}"${summary.seismic ? ", with the Newmark term" : ""}`,
  );
  console.log(
    `after ${summary.epochs} epochs: log-loss ${fixed(summary.finalLoss.logLoss, 4)}, prior term ${fixed(summary.finalLoss.prior, 4)}; link scale s ${fixed(summary.linkScale)}${summary.seismicScale !== undefined ? `, seismic s_N ${fixed(summary.seismicScale)}` : ""}`,
  );
  const m = summary.meanAtPoints;
  console.log(
    `mean at the points: c' ${fixed(m.cohesion, 2)} kPa, phi' ${fixed(m.friction, 1)} deg, m ${fixed(m.saturation, 2)}, t ${fixed(m.thickness, 2)} m`,
  );
  if (summary.spatialCvAurocMean !== undefined)
    console.log(
      `spatial CV AUROC ${fixed(summary.spatialCvAurocMean)} (sd ${fixed(summary.spatialCvAurocSd)})`,
    );
  console.log(`model written to ${out}/model.json`);
  return 0;
}
