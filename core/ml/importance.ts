import { type FittedModel, predictProbability } from "./learner.ts";
import { auroc, meanAndSd } from "./metrics.ts";
import { Random } from "./random.ts";

export interface FeatureImportance {
  feature: string;
  /** Mean drop of AUROC when the feature's values are shuffled among the rows. */
  aurocDrop: number;
  sd: number;
}

/** Permutation importance (Breiman 2001; Fisher et al. 2019): AUROC with the data minus AUROC with one feature shuffled. */
export function permutationImportance(
  model: FittedModel,
  featureNames: string[],
  columns: Float64Array[],
  label: Uint8Array,
  repeats: number,
  seed: number,
): { baseAuroc: number; features: FeatureImportance[] } {
  const n = label.length;
  const baseAuroc = auroc(label, predictProbability(model, columns, n));
  const rng = new Random(seed);
  const features = featureNames.map((feature, f) => {
    const drops: number[] = [];
    const shuffled = columns.slice();
    for (let r = 0; r < repeats; r++) {
      shuffled[f] = rng.shuffle(Float64Array.from(columns[f]));
      drops.push(baseAuroc - auroc(label, predictProbability(model, shuffled, n)));
    }
    const { mean, sd } = meanAndSd(drops);
    return { feature, aurocDrop: mean, sd };
  });
  return { baseAuroc, features };
}
