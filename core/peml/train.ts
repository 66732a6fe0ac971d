import { Random } from "../ml/random.ts";
import { Adam, Graph, softplus, type Tensor } from "./autodiff/index.ts";
import {
  encodedWidth,
  encodeRow,
  type FeatureEncoding,
  fitEncodings,
  type Layer,
  type PemlModel,
} from "./model.ts";
import {
  type Bound,
  JIBSON2007,
  MIN_LINK_SCALE,
  MIN_PGA_G,
  MIN_SLOPE_DEG,
  type Prior,
  RATIO_CEILING,
  RATIO_FLOOR,
  SOIL_PARAMETERS,
  type SoilParameter,
  unboundedValue,
} from "./physics.ts";

export interface TrainSettings {
  /** Units per hidden layer (tanh). */
  hidden: number[];
  epochs: number;
  learningRate: number;
  /** Rows per optimiser step; 0 or >= rows = full batch. */
  batchSize: number;
  /** Weight of the Gaussian priors against the mean log-loss. */
  priorWeight: number;
  /**
   * sd σ_w of a Gaussian prior N(0, σ_w²) on every network weight (not the biases): with the mean
   * log-loss it adds Σ w² / (2 σ_w² n), n the training rows, so it weakens as data grows.
   */
  weightSd: number;
  seed: number;
  priors: Record<SoilParameter, Prior>;
  bounds: Record<SoilParameter, Bound>;
  unitWeight: number;
  waterUnitWeight: number;
  /** D_c (cm) of the seismic term; used when the data has PGA. */
  criticalDisplacementCm: number;
  /** Landslide share of the population the inventory was sampled from (case-control correction); undefined = the inventory's own. */
  prevalence?: number;
}

export interface TrainingData {
  featureNames: string[];
  /** Raw covariates (the network's inputs), one array per feature name. */
  columns: Float64Array[];
  /** Feature names that are class codes (one-hot encoded). */
  classes: string[];
  slopeDeg: Float64Array;
  pgaG?: Float64Array;
  label: Uint8Array;
}

export interface TrainHistory {
  epoch: number;
  /** Mean log-loss of the inventory, the prior term and the weight decay after the epoch's updates. */
  logLoss: number;
  prior: number;
  total: number;
}

export interface TrainResult {
  model: PemlModel;
  history: TrainHistory[];
}

export interface TrainingGraph {
  graph: Graph;
  x: Tensor;
  cosSlope: Tensor;
  sinSlope: Tensor;
  lnSinSlope: Tensor;
  pga?: Tensor;
  label: Tensor;
  complement: Tensor;
  weight: Tensor;
  loss: Tensor;
  logLoss: Tensor;
  /** log P(f) per row, the quantity the physics.ts scalar functions compute for prediction. */
  logProbability: Tensor;
  priorLoss: Tensor;
  layers: { weights: Tensor; bias: Tensor }[];
  linkRho: Tensor;
  seismicRho?: Tensor;
}

const INITIAL_LINK_SCALE = 0.3;
const INITIAL_SEISMIC_SCALE = 0.5;
const inverseSoftplus = (y: number) => Math.log(Math.expm1(y));

/**
 * Bytes training holds at its peak beyond the data itself: the encoded covariates (float64) and
 * the graph's value and gradient buffers per batch row (input, three per hidden unit, two per
 * output, ~90 columns of physics and loss).
 */
export function trainingBytes(
  rows: number,
  encodedWidth: number,
  settings: Pick<TrainSettings, "hidden" | "batchSize">,
): number {
  const batch = settings.batchSize > 0 && settings.batchSize < rows ? settings.batchSize : rows;
  const perBatchRow =
    encodedWidth + 3 * settings.hidden.reduce((a, b) => a + b, 0) + 2 * SOIL_PARAMETERS.length + 90;
  return rows * encodedWidth * 8 + batch * perBatchRow * 16;
}

/** The training graph of a data set with its batch loader (exported for the gradient checks). */
export interface PreparedTraining {
  g: TrainingGraph;
  encodings: FeatureEncoding[];
  batch: number;
  rng: Random;
  /** Loads rows order[start .. start + batch) into the graph's inputs (padding with weight 0 at the end). */
  load(order: Int32Array, start: number): void;
  /** The model with the graph's current parameters. */
  toModel(): PemlModel;
}

export function prepareTraining(data: TrainingData, settings: TrainSettings): PreparedTraining {
  const n = data.label.length;
  const encodings = fitEncodings(data.featureNames, data.columns, data.classes);
  const width = encodedWidth(encodings);
  const encoded = new Float64Array(n * width);
  const row = new Float64Array(width);
  for (let i = 0; i < n; i++) {
    encodeRow(encodings, data.columns, i, row);
    encoded.set(row, i * width);
  }
  const batch = settings.batchSize > 0 && settings.batchSize < n ? settings.batchSize : n;
  const rng = new Random(settings.seed);
  const offset = caseControlOffset(data.label, settings.prevalence);
  const weightPenalty = 1 / (2 * settings.weightSd ** 2 * n);
  const g = buildGraph(width, batch, settings, data.pgaG !== undefined, offset, weightPenalty, rng);
  return {
    g,
    encodings,
    batch,
    rng,
    load: (order, start) => fillBatch(g, data, encoded, width, order, start, batch),
    toModel: () => extractModel(g, encodings, settings, data.pgaG !== undefined),
  };
}

/**
 * Fits the network by Adam on the log-loss of the implied probability of failure plus the priors
 * (docs/peml.md, "Model"). Deterministic for a seed: initial weights and batch order come from it.
 */
export function trainPeml(
  data: TrainingData,
  settings: TrainSettings,
  onProgress?: (fraction: number, message?: string) => void,
): TrainResult {
  const n = data.label.length;
  const { g, batch, rng, load, toModel } = prepareTraining(data, settings);
  const optimiser = new Adam(g.graph.parameters, settings.learningRate);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const history: TrainHistory[] = [];
  const batches = Math.ceil(n / batch);
  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    if (batch < n) rng.shuffle(order);
    let logLoss = 0;
    let prior = 0;
    let total = 0;
    for (let start = 0; start < n; start += batch) {
      load(order, start);
      g.graph.forward();
      g.graph.backward(g.loss);
      optimiser.update();
      logLoss += g.logLoss.value[0] / batches;
      prior += g.priorLoss.value[0] / batches;
      total += g.loss.value[0] / batches;
    }
    history.push({ epoch, logLoss, prior, total });
    onProgress?.(epoch / settings.epochs, `epoch ${epoch}, loss ${total.toFixed(4)}`);
  }
  return { model: toModel(), history };
}

function fillBatch(
  g: TrainingGraph,
  data: TrainingData,
  encoded: Float64Array,
  width: number,
  order: Int32Array,
  start: number,
  batch: number,
): void {
  const n = order.length;
  for (let b = 0; b < batch; b++) {
    const inside = start + b < n;
    // Rows past the end repeat the first row with weight 0, so every number stays finite.
    const i = order[inside ? start + b : 0];
    g.x.value.set(encoded.subarray(i * width, (i + 1) * width), b * width);
    const alpha = (Math.max(data.slopeDeg[i], MIN_SLOPE_DEG) * Math.PI) / 180;
    g.cosSlope.value[b] = Math.cos(alpha);
    g.sinSlope.value[b] = Math.sin(alpha);
    g.lnSinSlope.value[b] = Math.log(Math.sin(alpha));
    if (g.pga && data.pgaG) g.pga.value[b] = Math.max(data.pgaG[i], MIN_PGA_G);
    g.label.value[b] = data.label[i];
    g.complement.value[b] = 1 - data.label[i];
    g.weight.value[b] = inside ? 1 : 0;
  }
}

function buildGraph(
  width: number,
  batch: number,
  settings: TrainSettings,
  seismic: boolean,
  offset: number,
  weightPenalty: number,
  rng: Random,
): TrainingGraph {
  const graph = new Graph();
  const column = () => graph.input(batch, 1);
  const x = graph.input(batch, width);
  const inputs = {
    cosSlope: column(),
    sinSlope: column(),
    lnSinSlope: column(),
    pga: seismic ? column() : undefined,
    label: column(),
    complement: column(),
    weight: column(),
  };
  const sizes = [width, ...settings.hidden, SOIL_PARAMETERS.length];
  const layers: TrainingGraph["layers"] = [];
  let h = x;
  for (let k = 0; k + 1 < sizes.length; k++) {
    const last = k + 2 === sizes.length;
    const limit = Math.sqrt(6 / (sizes[k] + sizes[k + 1])) * (last ? 0.1 : 1);
    const weights = graph.parameter(
      sizes[k],
      sizes[k + 1],
      Array.from({ length: sizes[k] * sizes[k + 1] }, () => (2 * rng.next() - 1) * limit),
    );
    // The output biases start at the prior means, so training starts from the priors.
    const bias = graph.parameter(
      1,
      sizes[k + 1],
      last
        ? SOIL_PARAMETERS.map((p) => unboundedValue(settings.priors[p].mean, settings.bounds[p]))
        : undefined,
    );
    layers.push({ weights, bias });
    h = graph.addRow(graph.matmul(h, weights), bias);
    if (!last) h = graph.unary("tanh", h);
  }
  const soil = SOIL_PARAMETERS.map((p, k) => {
    const { lower, upper } = settings.bounds[p];
    return graph.affine(graph.unary("sigmoid", graph.column(h, k)), upper - lower, lower);
  });
  const linkRho = graph.parameter(1, 1, [inverseSoftplus(INITIAL_LINK_SCALE - MIN_LINK_SCALE)]);
  const seismicRho = seismic
    ? graph.parameter(1, 1, [inverseSoftplus(INITIAL_SEISMIC_SCALE - MIN_LINK_SCALE)])
    : undefined;
  const { logProbability, logComplement } = failureLogProbabilities(
    graph,
    soil,
    { ...inputs, linkRho, seismicRho },
    settings,
    offset,
  );
  const nll = graph.affine(
    graph.add(graph.mul(inputs.label, logProbability), graph.mul(inputs.complement, logComplement)),
    -1,
  );
  const logLoss = graph.weightedMean(nll, inputs.weight);
  const priorLoss = graph.affine(
    graph.weightedMean(priorPenalty(graph, soil, settings.priors), inputs.weight),
    settings.priorWeight,
  );
  let loss = graph.add(logLoss, priorLoss);
  for (const layer of layers)
    loss = graph.add(loss, graph.affine(graph.sumOfSquares(layer.weights), weightPenalty));
  return { graph, x, ...inputs, loss, logLoss, logProbability, priorLoss, layers, linkRho, seismicRho };
}

/** Half the sum over parameters of ((p − mean) / sd)², per row. */
function priorPenalty(graph: Graph, soil: Tensor[], priors: Record<SoilParameter, Prior>): Tensor {
  const terms = SOIL_PARAMETERS.map((p, k) =>
    graph.unary("square", graph.affine(soil[k], 1 / priors[p].sd, -priors[p].mean / priors[p].sd)),
  );
  return graph.affine(
    terms.reduce((sum, term) => graph.add(sum, term)),
    0.5,
  );
}

/**
 * log P(f) and log(1 − P(f)) per row, the graph form of physics.ts (staticLogit, seismicLogit,
 * failureProbability), plus the case-control offset when a prevalence is given.
 */
function failureLogProbabilities(
  graph: Graph,
  soil: Tensor[],
  t: {
    cosSlope: Tensor;
    sinSlope: Tensor;
    lnSinSlope: Tensor;
    pga?: Tensor;
    linkRho: Tensor;
    seismicRho?: Tensor;
  },
  settings: TrainSettings,
  offset: number,
): { logProbability: Tensor; logComplement: Tensor } {
  const [cohesion, friction, saturation, thickness] = soil;
  const gamma = settings.unitWeight;
  const a = graph.affine(graph.div(cohesion, thickness), 1 / gamma);
  const tanPhi = graph.unary("tan", graph.affine(friction, Math.PI / 180));
  const b = graph.mul(tanPhi, graph.affine(saturation, -settings.waterUnitWeight / gamma, 1));
  const resisting = graph.add(a, graph.mul(b, t.cosSlope));
  const lnFs = graph.sub(graph.unary("log", resisting), t.lnSinSlope);
  const linkScale = graph.affine(graph.unary("softplus", t.linkRho), 1, MIN_LINK_SCALE);
  const staticLogOdds = graph.div(graph.affine(lnFs, -1), linkScale);
  let logOdds = staticLogOdds;
  if (t.pga && t.seismicRho) {
    const ratio = graph.clamp(graph.div(graph.sub(resisting, t.sinSlope), t.pga), RATIO_FLOOR, RATIO_CEILING);
    const log10D = graph.add(
      graph.affine(graph.unary("log", ratio), JIBSON2007.exponentR / Math.LN10, JIBSON2007.intercept),
      graph.affine(graph.unary("log", graph.affine(ratio, -1, 1)), JIBSON2007.exponent1mr / Math.LN10),
    );
    const seismicScale = graph.affine(graph.unary("softplus", t.seismicRho), 1, MIN_LINK_SCALE);
    const seismicLogOdds = graph.div(
      graph.affine(log10D, 1, -Math.log10(settings.criticalDisplacementCm)),
      seismicScale,
    );
    // log(1 − P) = log(1 − P_static) + log(1 − P_seismic); log P = log(1 − e^{log(1 − P)}).
    const logComplement = graph.clamp(
      graph.add(
        graph.unary("logSigmoid", graph.affine(staticLogOdds, -1)),
        graph.unary("logSigmoid", graph.affine(seismicLogOdds, -1)),
      ),
      Number.NEGATIVE_INFINITY,
      -1e-300,
    );
    const logProbability = graph.unary("log1mexp", logComplement);
    if (offset === 0) return { logProbability, logComplement };
    logOdds = graph.sub(logProbability, logComplement);
  }
  if (offset !== 0) logOdds = graph.affine(logOdds, 1, offset);
  return {
    logProbability: graph.unary("logSigmoid", logOdds),
    logComplement: graph.unary("logSigmoid", graph.affine(logOdds, -1)),
  };
}

/**
 * Prior correction for case-control sampling (King & Zeng 2001): the sample log-odds are the
 * population log-odds plus ln(ȳ / (1 − ȳ)) − ln(τ / (1 − τ)), ȳ the landslide share of the
 * inventory, τ that of the population. 0 when no prevalence is given.
 */
export function caseControlOffset(label: Uint8Array, prevalence: number | undefined): number {
  if (prevalence === undefined) return 0;
  const share = label.reduce((a, b) => a + b, 0) / label.length;
  return Math.log(share / (1 - share)) - Math.log(prevalence / (1 - prevalence));
}

function extractModel(
  g: TrainingGraph,
  features: FeatureEncoding[],
  settings: TrainSettings,
  seismic: boolean,
): PemlModel {
  const layers: Layer[] = g.layers.map(({ weights, bias }) => ({
    inputs: weights.rows,
    outputs: weights.cols,
    weights: Float64Array.from(weights.value),
    bias: Float64Array.from(bias.value),
  }));
  return {
    features,
    layers,
    bounds: settings.bounds,
    unitWeight: settings.unitWeight,
    waterUnitWeight: settings.waterUnitWeight,
    linkScale: softplus(g.linkRho.value[0]) + MIN_LINK_SCALE,
    ...(seismic && g.seismicRho
      ? {
          seismic: {
            scale: softplus(g.seismicRho.value[0]) + MIN_LINK_SCALE,
            criticalDisplacementCm: settings.criticalDisplacementCm,
          },
        }
      : {}),
  };
}
