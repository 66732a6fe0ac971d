import { type CvProtocol, type CvResult, runFolds, splitRows } from "./cv.ts";
import type { Dataset } from "./dataset.ts";
import { type ForestHyper, fitLearner, predictProbability, takeLabels, takeRows } from "./learner.ts";
import { auroc } from "./metrics.ts";
import { makeFolds } from "./partition.ts";
import { Random } from "./random.ts";

export interface TuningOptions {
  evaluations: number;
  innerFolds: number;
}

/** The random-search ranges, as Geocomputation with R ch. 12 (mlr3 + ranger); mtry runs 1..p. */
export const SEARCH_SPACE = {
  mtry: { lower: 1, upper: "p" },
  minNodeSize: { lower: 1, upper: 10 },
  sampleFraction: { lower: 0.2, upper: 0.9 },
} as const;

/** One random-search draw from SEARCH_SPACE. */
function drawHyper(base: ForestHyper, featureCount: number, rng: Random): ForestHyper {
  return {
    ...base,
    mtry: SEARCH_SPACE.mtry.lower + rng.int(featureCount),
    minNodeSize: SEARCH_SPACE.minNodeSize.lower + rng.int(SEARCH_SPACE.minNodeSize.upper),
    sampleFraction:
      SEARCH_SPACE.sampleFraction.lower +
      (SEARCH_SPACE.sampleFraction.upper - SEARCH_SPACE.sampleFraction.lower) * rng.next(),
  };
}

export interface TuningCandidate {
  hyper: ForestHyper;
  /** Mean inner-fold AUROC; NaN when no inner test fold held both classes. */
  auroc: number;
}

export interface TuningResult {
  /** The first candidate with the highest inner AUROC (the base hyper-parameters if none scored). */
  best: ForestHyper;
  bestAuroc: number;
  /** Every evaluated draw, in draw order. */
  candidates: TuningCandidate[];
}

export interface TunedCvResult extends CvResult {
  /** Hyper-parameters chosen by the inner search, one per outer fold (same order as `scores`). */
  chosen: ForestHyper[];
}

/**
 * Nested cross-validation: in each outer training set, random search over mtry, min node size
 * and sample fraction scored by inner spatial k-fold AUROC; the best setting is refitted on the
 * outer training set and scored on the outer test fold. The outer score is thus not biased by
 * the tuning (Schratz et al. 2019).
 */
export async function nestedCrossValidate(
  dataset: Dataset,
  protocol: CvProtocol,
  tuning: TuningOptions,
  onProgress?: (fraction: number, message?: string) => void,
): Promise<TunedCvResult> {
  const chosen: ForestHyper[] = [];
  const result = await runFolds(
    dataset,
    protocol,
    async (trainRows, testRows, foldSeed) => {
      const inner = subset(dataset, trainRows);
      const { best } = await searchHyper(inner, protocol.hyper, tuning, foldSeed);
      chosen.push(best);
      const model = await fitLearner("rf", inner.columns, inner.label, best, foldSeed, { threads: 1 });
      return predictProbability(model, takeRows(dataset.columns, testRows), testRows.length);
    },
    onProgress,
  );
  return { ...result, chosen };
}

/**
 * Random search over SEARCH_SPACE, each draw scored by spatial `innerFolds`-fold CV AUROC on
 * `data`; used inside every outer fold of nested CV and, by `train --tune`, on all the points.
 */
export async function searchHyper(
  data: Dataset,
  base: ForestHyper,
  tuning: TuningOptions,
  seed: number,
  onProgress?: (fraction: number, message?: string) => void,
): Promise<TuningResult> {
  const rng = new Random(seed);
  const innerFolds = Math.min(tuning.innerFolds, data.label.length);
  const fold = makeFolds("spatial", data, innerFolds, seed, 0);
  let best = base;
  let bestScore = Number.NEGATIVE_INFINITY;
  const candidates: TuningCandidate[] = [];
  for (let e = 0; e < tuning.evaluations; e++) {
    const hyper = drawHyper(base, data.columns.length, rng);
    let sum = 0;
    let count = 0;
    for (let k = 0; k < innerFolds; k++) {
      const { train, test } = splitRows(fold, k);
      if (train.length === 0 || test.length === 0) continue;
      const model = await fitLearner(
        "rf",
        takeRows(data.columns, train),
        takeLabels(data.label, train),
        hyper,
        seed + e,
        { threads: 1 },
      );
      const score = auroc(
        takeLabels(data.label, test),
        predictProbability(model, takeRows(data.columns, test), test.length),
      );
      if (Number.isFinite(score)) {
        sum += score;
        count++;
      }
    }
    const mean = count > 0 ? sum / count : Number.NaN;
    candidates.push({ hyper, auroc: mean });
    if (count > 0 && mean > bestScore) {
      bestScore = mean;
      best = hyper;
    }
    onProgress?.((e + 1) / tuning.evaluations, `tuning: evaluation ${e + 1}/${tuning.evaluations}`);
  }
  return { best, bestAuroc: Number.isFinite(bestScore) ? bestScore : Number.NaN, candidates };
}

function subset(dataset: Dataset, rows: Int32Array): Dataset {
  const pick = (values: Float64Array) => takeRows([values], rows)[0];
  return {
    ...dataset,
    columns: takeRows(dataset.columns, rows),
    label: takeLabels(dataset.label, rows),
    x: pick(dataset.x),
    y: pick(dataset.y),
    lineNumbers: Array.from(rows, (r) => dataset.lineNumbers[r]),
  };
}
