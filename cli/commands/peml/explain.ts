import { pemlExplainOptionsSchema } from "../../../core/peml/schema.ts";
import { PEML_EXPLAIN_OUTPUTS, runPemlExplain } from "../../../core/peml/step.ts";
import { MEMORY_LIMIT_HELP } from "../../options.ts";
import { writeOutputsAtomically } from "../../output.ts";
import { progressPrinter } from "../../progress.ts";
import { pemlOptions } from "./common.ts";

const options = pemlOptions(pemlExplainOptionsSchema);

export const explainHelp = `quakeslide peml explain — exact Shapley study of FS and a_c over the geotechnical covariates

Usage: quakeslide peml explain --model FILE (--inventory FILE | --cells N) [--covariates TIF] [--pga TIF] --out DIR [options]

For every inventory point (or N raster cells drawn at random), exact interventional Shapley values (all 2^p coalitions; covariates
outside a coalition are drawn from a background sample of the same points) of
  - FS and a_c over the seven covariates of the infinite slope: c', phi', gamma, t, m, gamma_w and
    slope, with the soil parameters the model learned at the points;
  - the model's FS, a_c and P(f) over its own inputs (its covariates, the slope, the PGA).
For each point the values sum to f(point) - mean f(background); a covariate that does not vary
in the data (gamma and gamma_w are constants of the model) gets exactly 0.

Options:
  --model FILE          model.json from "peml train" (required)
  --inventory FILE      points to explain, with the model's x/y (and covariate) columns
  --cells N             instead, explain N cells of --covariates drawn at random (seeded by --seed)
  --covariates TIF      sample the covariates from this raster (required when the model was trained so)
  --pga TIF             PGA (g) of the event, for a model trained with --pga
  --background N        background points of the interventional expectation (default 100)
  --seed N              seed of the background (and --cells) draw (default 1)
  --out DIR             output folder (required): shapley.json (mean |SHAP| rankings), shap-physics.csv,
                        shap-model.csv (one row per point), dependence-*.png (dependence plots)
${MEMORY_LIMIT_HELP}
  --json                print the summary as JSON only

Examples:
  quakeslide peml explain --model out/peml-model/model.json --cells 2000 --covariates data/ecuador/ta.tif \\
    --out out/peml-explain-cells
  quakeslide peml explain --model out/peml-model/model.json --inventory data/ecuador/lsl.csv \\
    --covariates data/ecuador/ta.tif --out out/peml-explain`;

export async function runExplain(args: string[]): Promise<number> {
  const { options: parsed, flags } = options.parse(args);
  const out = parsed.outDir;
  const summary = await writeOutputsAtomically(out, PEML_EXPLAIN_OUTPUTS, (tmpDir) =>
    runPemlExplain({ ...parsed, outDir: tmpDir }, progressPrinter("peml explain", flags.json === true)),
  );
  if (flags.json) {
    console.log(JSON.stringify(summary));
    return 0;
  }
  console.log(`${summary.points} ${summary.explained}, ${summary.backgroundRows} of them as background`);
  for (const [group, rankings] of [
    ["infinite slope", summary.physics],
    ["model inputs", summary.model],
  ] as const) {
    for (const r of rankings)
      console.log(
        `${group}, ${r.target}: ${r.ranking.map((e) => `${e.covariate} ${e.meanAbsShap.toPrecision(3)}`).join(", ")} (mean |SHAP|; E[f] ${r.expectedValue.toPrecision(4)})`,
      );
  }
  console.log(`written to ${out}: shapley.json, shap-physics.csv, shap-model.csv, dependence-*.png`);
  return 0;
}
