import type { z } from "zod";
import { InputError } from "../../../core/errors.ts";
import { parseDecimal } from "../../../core/options.ts";
import { SOIL_PARAMETERS, type SoilParameter } from "../../../core/peml/physics.ts";
import { pemlSettingsSchema } from "../../../core/peml/schema.ts";
import { type OptionValues, verbOptions } from "../../options.ts";

const SETTINGS = pemlSettingsSchema.parse({});

/**
 * The options of a peml sub-verb, from its step's schema (cli/options.ts). For the verbs that fit
 * the model (`fitting`), the priors are one repeatable `--prior NAME=MEAN,SD` rather than eight
 * options; the comparison forest of `cv` takes the forest options of `susceptibility cv`.
 */
export function pemlOptions<S extends z.ZodType>(schema: S, fitting = false) {
  return verbOptions(schema, {
    fields: {
      "forest.replace": { option: "without-replacement", flagSets: false },
      priors: { hidden: true },
    },
    extra: { json: { type: "boolean" }, ...(fitting ? { prior: { type: "string", multiple: true } } : {}) },
  });
}

/** `--prior cohesion=5,2 --prior thickness=2.4,0.3` as the schema's `priors`. */
export function priorsFrom(
  flags: OptionValues,
): Partial<Record<SoilParameter, { mean: number; sd: number }>> {
  const priors: Partial<Record<SoilParameter, { mean: number; sd: number }>> = {};
  for (const entry of (flags.prior as string[] | undefined) ?? []) {
    const match = /^([a-z]+)=([^,]+),([^,]+)$/.exec(entry.trim());
    const name = match?.[1] as SoilParameter | undefined;
    const mean = match ? parseDecimal(match[2].trim()) : undefined;
    const sd = match ? parseDecimal(match[3].trim()) : undefined;
    if (!name || !SOIL_PARAMETERS.includes(name) || mean === undefined || sd === undefined)
      throw new InputError(
        `--prior must look like NAME=MEAN,SD with NAME one of ${SOIL_PARAMETERS.join(", ")} and two decimal numbers; got "${entry}"`,
      );
    if (!(sd > 0)) throw new InputError(`--prior ${name}: the sd must be > 0, got ${sd}`);
    priors[name] = { mean, sd };
  }
  return priors;
}

export const MODEL_HELP = `Physics:
  --slope NAME          column or band with the slope angle in degrees (default slope); it enters the
                        infinite-slope formula, not the network
  --classes A,B         features that are class codes (lithology, land cover): one-hot encoded
  --pga TIF             PGA (g) of the triggering event, sampled at the points: adds the Newmark term
                        (Jibson 2007 displacement from a_c/PGA) to the implied P(f)
  --critical-displacement-cm D  Newmark displacement at which the seismic P(f) is one half (default ${SETTINGS.criticalDisplacementCm} cm)
  --unit-weight G       soil unit weight gamma in kN/m3 (default ${SETTINGS.unitWeight}); --water-unit-weight (default ${SETTINGS.waterUnitWeight})
  --prevalence F        landslide share of the area the inventory sampled (0 < F < 1): corrects the
                        log-odds of a case-control inventory (King & Zeng 2001); default: the inventory's own

Priors (Gaussian, physical units; defaults in docs/peml.md with their sources):
  --prior NAME=MEAN,SD  NAME one of cohesion (kPa, default 5,5), friction (degrees, 30,7.5),
                        saturation (0-1, 0.2,0.3), thickness (m, 2.4,1); repeat for several
  --prior-weight F      weight of the priors against the mean log-loss (default ${SETTINGS.priorWeight})

Network and training:
  --hidden N[,N]        units per tanh hidden layer (default ${SETTINGS.hidden.join(",")}; 0 = one soil for the whole area)
  --epochs N            passes over the points (default ${SETTINGS.epochs})
  --learning-rate F     Adam step size (default ${SETTINGS.learningRate})
  --batch-size N        points per step (default ${SETTINGS.batchSize} = all points)
  --weight-sd F         sd of the Gaussian prior on the network weights (default ${SETTINGS.weightSd}; smaller = smoother)
  --seed N              random seed of the initial weights, batches and folds (default ${SETTINGS.seed})`;
