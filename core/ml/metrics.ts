/**
 * Area under the ROC curve as the Mann-Whitney statistic: the probability that a random positive
 * scores higher than a random negative, ties counting one half (identical to the trapezoidal
 * ROC area that scikit-learn's roc_auc_score and mlr3's classif.auc compute).
 */
export function auroc(label: ArrayLike<number>, score: ArrayLike<number>): number {
  const n = label.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  let positives = 0;
  let rankSumPositives = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && score[order[end]] === score[order[start]]) end++;
    const midRank = (start + 1 + end) / 2; // ranks start..end-1 (1-based start+1..end) share their mean
    for (let k = start; k < end; k++) {
      if (label[order[k]] === 1) {
        positives++;
        rankSumPositives += midRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface Confusion {
  threshold: number;
  truePositive: number;
  falsePositive: number;
  trueNegative: number;
  falseNegative: number;
  sensitivity: number;
  specificity: number;
  accuracy: number;
}

export function confusionAt(
  label: ArrayLike<number>,
  score: ArrayLike<number>,
  threshold: number,
): Confusion {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < label.length; i++) {
    const predicted = score[i] >= threshold;
    if (label[i] === 1) predicted ? tp++ : fn++;
    else predicted ? fp++ : tn++;
  }
  return {
    threshold,
    truePositive: tp,
    falsePositive: fp,
    trueNegative: tn,
    falseNegative: fn,
    sensitivity: tp / (tp + fn),
    specificity: tn / (tn + fp),
    accuracy: (tp + tn) / label.length,
  };
}

export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

/** Reliability table over equal-width probability bins, plus the Brier score. */
export function calibration(
  label: ArrayLike<number>,
  score: ArrayLike<number>,
  bins = 10,
): { brier: number; bins: CalibrationBin[] } {
  const count = new Float64Array(bins);
  const sumScore = new Float64Array(bins);
  const sumLabel = new Float64Array(bins);
  let brier = 0;
  for (let i = 0; i < label.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(score[i] * bins)));
    count[b]++;
    sumScore[b] += score[i];
    sumLabel[b] += label[i];
    brier += (score[i] - label[i]) ** 2;
  }
  return {
    brier: brier / label.length,
    bins: Array.from({ length: bins }, (_, b) => ({
      lower: b / bins,
      upper: (b + 1) / bins,
      count: count[b],
      meanPredicted: count[b] > 0 ? sumScore[b] / count[b] : Number.NaN,
      observedRate: count[b] > 0 ? sumLabel[b] / count[b] : Number.NaN,
    })),
  };
}

export function meanAndSd(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance =
    values.length > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, sd: Math.sqrt(variance) };
}
