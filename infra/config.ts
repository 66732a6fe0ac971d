import type { App } from "aws-cdk-lib";
import { assertValidStage } from "./names.ts";

/**
 * Stage-aware settings, read from CDK context (`cdk.json`, or `-c key=value` on the command line).
 * Nothing here names an account, a region or an ARN: the stacks are environment-agnostic and
 * take both from the deploying credentials (`CDK_DEFAULT_ACCOUNT` / `CDK_DEFAULT_REGION`).
 */
export interface StageConfig {
  /** Prefix of every stack name: `<stage>-quakeslide-storage`, ... */
  stage: string;
  /** Tag of the `sem` and `train` images in their ECR repositories (pushed before deploying). */
  imageTag: string;
  /** Upper bound of vCPUs for the Spot and on-demand CPU compute environments. */
  cpuMaxVcpus: number;
  /** Upper bound of vCPUs for the GPU compute environment (g5/g6: 4 vCPUs per GPU at xlarge). */
  gpuMaxVcpus: number;
  /** How many scenarios of a campaign run at once (Distributed Map `MaxConcurrency`). */
  campaignMaxConcurrency: number;
  /** Percentage of failed scenarios a campaign tolerates before it fails as a whole. */
  campaignToleratedFailurePercentage: number;
  /** Days before objects under `intermediate/` expire. */
  intermediateExpirationDays: number;
  /** Keep buckets when the stack is deleted (true everywhere except throw-away stages). */
  retainData: boolean;
  /**
   * Only for emulators (the `local` stage, LocalStack): handed to the Lambdas and jobs as
   * AWS_ENDPOINT_URL so the SDK talks to the emulator. Empty on AWS.
   */
  endpointUrl: string;
  /** Retraining on a new inventory: covariate raster (key in the data bucket, under covariates/). */
  retrainCovariatesKey: string;
  /** Retraining: inventory column with the 1/0 landslide label. */
  retrainLabel: string;
  /** Retraining: inventories larger than this (bytes) train on the Batch GPU queue, not in Lambda. */
  retrainBatchThresholdBytes: number;
}

const DEFAULTS: StageConfig = {
  stage: "dev",
  imageTag: "latest",
  cpuMaxVcpus: 256,
  gpuMaxVcpus: 32,
  campaignMaxConcurrency: 50,
  campaignToleratedFailurePercentage: 10,
  intermediateExpirationDays: 14,
  retainData: true,
  endpointUrl: "",
  retrainCovariatesKey: "covariates/susceptibility.tif",
  retrainLabel: "landslide",
  retrainBatchThresholdBytes: 5_000_000,
};

/**
 * Reads `quakeslide:stage` and, when the context holds a `quakeslide:stages` map, that stage's
 * overrides; a single setting can also be given directly as `quakeslide:<name>`.
 */
export function readStageConfig(app: App): StageConfig {
  const stage = String(app.node.tryGetContext("quakeslide:stage") ?? DEFAULTS.stage);
  const stages = (app.node.tryGetContext("quakeslide:stages") ?? {}) as Record<string, Partial<StageConfig>>;
  assertValidStage(stage);
  const merged: StageConfig = { ...DEFAULTS, ...(stages[stage] ?? {}), stage };
  for (const key of Object.keys(DEFAULTS) as (keyof StageConfig)[]) {
    const direct = app.node.tryGetContext(`quakeslide:${key}`);
    if (direct !== undefined && key !== "stage") (merged as unknown as Record<string, unknown>)[key] = direct;
  }
  return coerce(merged);
}

/** Context given on the command line arrives as strings: turn numbers and booleans back. */
function coerce(config: StageConfig): StageConfig {
  const numberKeys = [
    "cpuMaxVcpus",
    "gpuMaxVcpus",
    "campaignMaxConcurrency",
    "campaignToleratedFailurePercentage",
    "intermediateExpirationDays",
    "retrainBatchThresholdBytes",
  ] as const;
  const result = { ...config };
  for (const key of numberKeys) {
    const value = Number(result[key]);
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`context quakeslide:${key} must be a number >= 0`);
    result[key] = value;
  }
  result.retainData = String(result.retainData) !== "false";
  result.imageTag = String(result.imageTag);
  result.endpointUrl = String(result.endpointUrl);
  result.retrainCovariatesKey = String(result.retrainCovariatesKey);
  result.retrainLabel = String(result.retrainLabel);
  return result;
}
