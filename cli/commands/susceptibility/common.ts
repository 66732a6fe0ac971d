import type { z } from "zod";
import { forestHyperSchema, tuningSchema } from "../../../core/ml/schema.ts";
import { type VerbOptionsConfig, verbOptions } from "../../options.ts";

const FOREST = forestHyperSchema.parse({});

/**
 * The options of a susceptibility sub-verb, from its step's schema. The forest's settings are
 * options of their own (`--trees`, `--min-node-size`, ...), `--without-replacement` turns bootstrap
 * sampling off, and `--tune` switches on the tuning that `--tune-evals` and `--inner-folds` set.
 */
export function susceptibilityOptions<S extends z.ZodType>(schema: S, config: VerbOptionsConfig = {}) {
  return verbOptions(schema, {
    ...config,
    fields: {
      "forest.replace": { option: "without-replacement", flagSets: false },
      "tune.evaluations": { option: "tune-evals" },
      ...config.fields,
    },
    extra: { json: { type: "boolean" }, ...config.extra },
  });
}

export const INVENTORY_HELP = `Inventory:
  --inventory FILE      CSV with a header line (required); fields may be quoted
  --label COL           label column: 1/0 or TRUE/FALSE (required)
  --features A,B,C      feature columns (required unless --covariates is given; then band names, default all bands)
  --x COL, --y COL      coordinate columns, projected metres (default x, y)
  --covariates FILE     GeoTIFF whose bands are sampled at the points (cell containing the point) instead of CSV columns`;

export const FOREST_HELP = `Learner:
  --learner rf|glm      random forest or logistic regression (default rf)
  --trees N             trees in the forest (default ${FOREST.trees})
  --mtry N              features tried per split (default floor(sqrt(features)))
  --min-node-size N     minimum bootstrap-weighted points per leaf (default ${FOREST.minNodeSize}: full-depth trees)
  --sample-fraction F   points drawn per tree, fraction of the training points, 0 < F <= 1 (default ${FOREST.sampleFraction})
  --without-replacement draw without replacement (default: bootstrap, with replacement)
  --seed N              random seed; same seed, same result (default 1)`;

/** Defaults of `--tune-evals` and `--inner-folds`, for the help texts. */
export const TUNING_DEFAULTS = tuningSchema.parse({});

/** Rounds for printing. */
export function fixed(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "n/a" : value.toFixed(digits);
}
