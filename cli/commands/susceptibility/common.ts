import { InputError } from "../../../core/errors.ts";
import { numberOption, type OptionSpec, requireOption } from "../../command.ts";

/** Options shared by the sub-verbs that read a labelled inventory. */
export const inventoryOptions = {
  inventory: { type: "string" },
  label: { type: "string" },
  features: { type: "string" },
  x: { type: "string" },
  y: { type: "string" },
  covariates: { type: "string" },
} satisfies OptionSpec;

export const forestOptions = {
  learner: { type: "string" },
  trees: { type: "string" },
  mtry: { type: "string" },
  "min-node-size": { type: "string" },
  "sample-fraction": { type: "string" },
  "without-replacement": { type: "boolean" },
  seed: { type: "string" },
} satisfies OptionSpec;

export const INVENTORY_HELP = `Inventory:
  --inventory FILE      CSV with a header line (required); fields may be quoted
  --label COL           label column: 1/0 or TRUE/FALSE (required)
  --features A,B,C      feature columns (required unless --covariates is given; then band names, default all bands)
  --x COL, --y COL      coordinate columns, projected metres (default x, y)
  --covariates FILE     GeoTIFF whose bands are sampled at the points (cell containing the point) instead of CSV columns`;

export const FOREST_HELP = `Learner:
  --learner rf|glm      random forest or logistic regression (default rf)
  --trees N             trees in the forest (default 100)
  --mtry N              features tried per split (default floor(sqrt(features)))
  --min-node-size N     minimum bootstrap-weighted points per leaf (default 1: full-depth trees)
  --sample-fraction F   points drawn per tree, fraction of the training points, 0 < F <= 1 (default 1)
  --without-replacement draw without replacement (default: bootstrap, with replacement)
  --seed N              random seed; same seed, same result (default 1)`;

type Values = Record<string, string | boolean | undefined>;

function text(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

function integer(values: Values, name: string): number | undefined {
  const raw = text(values, name);
  if (raw === undefined) return undefined;
  const value = numberOption(raw, name);
  if (!Number.isInteger(value)) throw new InputError(`--${name} must be an integer, got "${raw}"`);
  return value;
}

export function inventoryFrom(values: Values) {
  return {
    inventory: requireOption(text(values, "inventory"), "inventory"),
    label: requireOption(text(values, "label"), "label"),
    features: text(values, "features")
      ?.split(",")
      .map((f) => f.trim())
      .filter((f) => f !== ""),
    x: text(values, "x"),
    y: text(values, "y"),
    covariates: text(values, "covariates"),
  };
}

export function learnerFrom(values: Values) {
  const learner = text(values, "learner") ?? "rf";
  if (learner !== "rf" && learner !== "glm")
    throw new InputError(`--learner must be rf or glm, got "${learner}"`);
  const sampleFraction = text(values, "sample-fraction");
  return {
    learner: learner as "rf" | "glm",
    seed: integer(values, "seed"),
    forest: {
      trees: integer(values, "trees"),
      mtry: integer(values, "mtry"),
      minNodeSize: integer(values, "min-node-size"),
      sampleFraction:
        sampleFraction === undefined ? undefined : numberOption(sampleFraction, "sample-fraction"),
      replace: values["without-replacement"] !== true,
    },
  };
}

export { integer as integerOption, text as textOption };

/** Rounds for printing. */
export function fixed(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "n/a" : value.toFixed(digits);
}
