import { InputError } from "../../../core/errors.ts";
import { SOIL_PARAMETERS, type SoilParameter } from "../../../core/peml/physics.ts";
import { numberOption, type OptionSpec } from "../../command.ts";
import { integerOption, textOption } from "../susceptibility/common.ts";

/** Options of the sub-verbs that fit the model (cv and train). */
export const modelOptions = {
  slope: { type: "string" },
  classes: { type: "string" },
  pga: { type: "string" },
  hidden: { type: "string" },
  epochs: { type: "string" },
  "learning-rate": { type: "string" },
  "batch-size": { type: "string" },
  "prior-weight": { type: "string" },
  "weight-sd": { type: "string" },
  prior: { type: "string", multiple: true },
  "unit-weight": { type: "string" },
  "water-unit-weight": { type: "string" },
  "critical-displacement": { type: "string" },
  prevalence: { type: "string" },
  seed: { type: "string" },
} satisfies OptionSpec;

export const MODEL_HELP = `Physics:
  --slope NAME          column or band with the slope angle in degrees (default slope); it enters the
                        infinite-slope formula, not the network
  --classes A,B         features that are class codes (lithology, land cover): one-hot encoded
  --pga TIF             PGA (g) of the triggering event, sampled at the points: adds the Newmark term
                        (Jibson 2007 displacement from a_c/PGA) to the implied P(f)
  --critical-displacement CM  Newmark displacement at which the seismic P(f) is one half (default 5 cm)
  --unit-weight G       soil unit weight gamma in kN/m3 (default 18); --water-unit-weight (default 9.81)
  --prevalence F        landslide share of the area the inventory sampled (0 < F < 1): corrects the
                        log-odds of a case-control inventory (King & Zeng 2001); default: the inventory's own

Priors (Gaussian, physical units; defaults in docs/peml.md with their sources):
  --prior NAME=MEAN,SD  NAME one of cohesion (kPa, default 5,5), friction (degrees, 30,7.5),
                        saturation (0-1, 0.2,0.3), thickness (m, 2.4,1); repeat for several
  --prior-weight F      weight of the priors against the mean log-loss (default 0.01)

Network and training:
  --hidden N[,N]        units per tanh hidden layer (default 16; 0 = one soil for the whole area)
  --epochs N            passes over the points (default 300)
  --learning-rate F     Adam step size (default 0.05)
  --batch-size N        points per step (default 0 = all points)
  --weight-sd F         sd of the Gaussian prior on the network weights (default 0.5; smaller = smoother)
  --seed N              random seed of the initial weights, batches and folds (default 1)`;

type Values = Record<string, string | boolean | undefined>;

function list(values: Values, name: string): string[] | undefined {
  return textOption(values, name)
    ?.split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
}

function optionalNumber(values: Values, name: string): number | undefined {
  const raw = values[name];
  return typeof raw === "string" ? numberOption(raw, name) : undefined;
}

function parsePriors(
  entries: string[] | undefined,
): Partial<Record<SoilParameter, { mean: number; sd: number }>> {
  const priors: Partial<Record<SoilParameter, { mean: number; sd: number }>> = {};
  for (const entry of entries ?? []) {
    const match = /^([a-z]+)=([^,]+),([^,]+)$/.exec(entry.trim());
    const name = match?.[1] as SoilParameter | undefined;
    if (!match || !name || !SOIL_PARAMETERS.includes(name))
      throw new InputError(
        `--prior must look like NAME=MEAN,SD with NAME one of ${SOIL_PARAMETERS.join(", ")}; got "${entry}"`,
      );
    priors[name] = { mean: numberOption(match[2], "prior"), sd: numberOption(match[3], "prior") };
  }
  return priors;
}

/** The model options of cv and train, in the shape of the step schemas (undefined = default); `prior` is the repeatable --prior. */
export function modelSettingsFrom(values: Values, prior: string[] | undefined) {
  const hidden = list(values, "hidden")?.map((part) => numberOption(part, "hidden"));
  return {
    slope: textOption(values, "slope"),
    classes: list(values, "classes"),
    pga: textOption(values, "pga"),
    hidden: hidden && hidden.length === 1 && hidden[0] === 0 ? [] : hidden,
    epochs: integerOption(values, "epochs"),
    learningRate: optionalNumber(values, "learning-rate"),
    batchSize: integerOption(values, "batch-size"),
    priorWeight: optionalNumber(values, "prior-weight"),
    weightSd: optionalNumber(values, "weight-sd"),
    priors: parsePriors(prior),
    unitWeight: optionalNumber(values, "unit-weight"),
    waterUnitWeight: optionalNumber(values, "water-unit-weight"),
    criticalDisplacementCm: optionalNumber(values, "critical-displacement"),
    prevalence: optionalNumber(values, "prevalence"),
    seed: integerOption(values, "seed"),
  };
}
