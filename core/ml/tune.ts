import type { Dataset } from "./dataset.ts";
import { type CvProtocol, type CvResult, runFolds, splitRows } from "./cv.ts";
import { type ForestHyper, fitLearner, predictProbability, takeLabels, takeRows } from "./learner.ts";
import { auroc } from "./metrics.ts";
import { makeFolds } from "./partition.ts";
import { Random } from "./random.ts";

export interface TuningOptions {
  evaluations: number;
  innerFolds: number;
}

/** One random-search draw, ranges as Geocomputation with R ch. 12 (mlr3 + ranger). */
function drawHyper(base: ForestHyper, featureCount: number, rng: Random): ForestHyper {
  return {
    ...base,
    mtry: 1 + rng.int(featureCount),
    minNodeSize: 1 + rng.int(10),
    sampleFraction: 0.2 + 0.7 * rng.next(),
  };
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
      const best = await searchHyper(inner, protocol, tuning, foldSeed);
      chosen.push(best);
      const model = await fitLearner("rf", inner.columns, inner.label, best, foldSeed, { threads: 1 });
      return predictProbability(model, takeRows(dataset.columns, testRows), testRows.length);
    },
    onProgress,
  );
  return { ...result, chosen };
}

async function searchHyper(
  data: Dataset,
  protocol: CvProtocol,
  tuning: TuningOptions,
  seed: number,
): Promise<ForestHyper> {
  const rng = new Random(seed);
  const innerFolds = Math.min(tuning.innerFolds, data.label.length);
  const fold = makeFolds("spatial", data, innerFolds, seed, 0);
  let best = protocol.hyper;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let e = 0; e < tuning.evaluations; e++) {
    const hyper = drawHyper(protocol.hyper, data.columns.length, rng);
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
    if (count > 0 && sum / count > bestScore) {
      bestScore = sum / count;
      best = hyper;
    }
  }
  return best;
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
