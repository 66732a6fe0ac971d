import { InputError } from "../errors.ts";
import type { Dataset } from "./dataset.ts";
import {
  type ForestHyper,
  fitLearner,
  type LearnerKind,
  predictProbability,
  takeLabels,
  takeRows,
} from "./learner.ts";
import { auroc, meanAndSd } from "./metrics.ts";
import { makeFolds, type PartitionKind } from "./partition.ts";
import { deriveSeed } from "./random.ts";

export interface CvProtocol {
  learner: LearnerKind;
  hyper: ForestHyper;
  partition: PartitionKind;
  folds: number;
  repeats: number;
  seed: number;
}

export interface FoldScore {
  repetition: number;
  fold: number;
  trainSize: number;
  testSize: number;
  /** NaN when the test fold holds a single class (possible with spatial folds). */
  auroc: number;
}

export interface CvResult {
  scores: FoldScore[];
  /** Mean and sd of the fold AUROCs over all repetitions (folds with one class left out). */
  mean: number;
  sd: number;
  /** Fold id of every row, one array per repetition: what a reference tool needs to replay the protocol. */
  foldIds: Int32Array[];
}

/** Fits on the training part of a fold, returns the test probabilities; the CV loop is shared with tuning. */
export type FoldFitter = (
  trainRows: Int32Array,
  testRows: Int32Array,
  foldSeed: number,
) => Promise<Float64Array>;

export function checkFoldCount(dataset: Dataset, folds: number): void {
  if (!Number.isInteger(folds) || folds < 2)
    throw new InputError(`--folds must be an integer >= 2, got ${folds}`);
  if (dataset.label.length < folds) {
    throw new InputError(`${dataset.label.length} points are fewer than the ${folds} folds asked for`, {
      file: dataset.file,
    });
  }
}

/** Repeated k-fold cross-validation of a learner with fixed hyper-parameters. */
export async function crossValidate(
  dataset: Dataset,
  protocol: CvProtocol,
  onProgress?: (fraction: number, message?: string) => void,
): Promise<CvResult> {
  const fitter: FoldFitter = async (trainRows, testRows, foldSeed) => {
    const model = await fitLearner(
      protocol.learner,
      takeRows(dataset.columns, trainRows),
      takeLabels(dataset.label, trainRows),
      protocol.hyper,
      foldSeed,
      { threads: 1 },
    );
    return predictProbability(model, takeRows(dataset.columns, testRows), testRows.length);
  };
  return runFolds(dataset, protocol, fitter, onProgress);
}

export async function runFolds(
  dataset: Dataset,
  protocol: Pick<CvProtocol, "partition" | "folds" | "repeats" | "seed">,
  fitter: FoldFitter,
  onProgress?: (fraction: number, message?: string) => void,
): Promise<CvResult> {
  checkFoldCount(dataset, protocol.folds);
  const scores: FoldScore[] = [];
  const foldIds: Int32Array[] = [];
  const total = protocol.repeats * protocol.folds;
  for (let repetition = 0; repetition < protocol.repeats; repetition++) {
    const fold = makeFolds(protocol.partition, dataset, protocol.folds, protocol.seed, repetition);
    foldIds.push(fold);
    for (let k = 0; k < protocol.folds; k++) {
      const { train, test } = splitRows(fold, k);
      const probability = await fitter(train, test, deriveSeed(protocol.seed, repetition, k, 7));
      scores.push({
        repetition,
        fold: k,
        trainSize: train.length,
        testSize: test.length,
        auroc: auroc(takeLabels(dataset.label, test), probability),
      });
      onProgress?.(scores.length / total, `repetition ${repetition + 1}, fold ${k + 1}`);
    }
  }
  const valid = scores.map((s) => s.auroc).filter((a) => Number.isFinite(a));
  const { mean, sd } = valid.length > 0 ? meanAndSd(valid) : { mean: Number.NaN, sd: Number.NaN };
  return { scores, mean, sd, foldIds };
}

export function splitRows(fold: Int32Array, k: number): { train: Int32Array; test: Int32Array } {
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < fold.length; i++) (fold[i] === k ? test : train).push(i);
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}
