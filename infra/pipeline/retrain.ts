import { Duration } from "aws-cdk-lib";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import { INTERMEDIATE_PREFIX } from "../../functions/shared/layout.ts";
import type { ContainerJob } from "../compute-stack.ts";
import type { StageConfig } from "../config.ts";
import { bucketName } from "../names.ts";
import {
  acknowledgeBatchSubmit,
  acknowledgeInvokeQualifiers,
  createStateMachine,
  failOnInputError,
  invokeStep,
  SyncBatchJob,
} from "./state-machine.ts";
import type { StepLambda } from "./step-lambda.ts";

/**
 * `retrain`: train a susceptibility model on a new inventory (Lambda when the inventory is small,
 * the `train` Batch job on the GPU queue when its size exceeds `batchThresholdBytes`), then
 * predict the susceptibility raster with it.
 * Input (functions/shared/machines.ts, retrainInputSchema):
 * { inventory, size, covariates, batchThresholdBytes, train: { params }, predict: { params } }
 */
export function createRetrain(
  scope: Construct,
  config: StageConfig,
  train: ContainerJob,
  steps: { train: StepLambda; predict: StepLambda },
): sfn.StateMachine {
  const failed = new sfn.Fail(scope, "RetrainBadInput", {
    errorPath: "$.error.Error",
    causePath: "$.error.Cause",
  });
  const trainInputs = { "inventory.$": "$.inventory", "covariates.$": "$.covariates" };

  const trainOnLambda = invokeStep(
    scope,
    "TrainOnLambda",
    steps.train,
    { inputs: trainInputs, params: "$.train.params" },
    "$.trained",
  );
  failOnInputError(trainOnLambda, failed);
  const modelFromLambda = new sfn.Pass(scope, "ModelFromLambda", {
    parameters: { "uri.$": "$.trained.outputs.model_json" },
    resultPath: "$.model",
  });

  const resultsBucket = bucketName(config.stage, "results");
  const prepareJob = new sfn.Pass(scope, "PrepareTrainJob", {
    parameters: {
      inputs: trainInputs,
      "params.$": "$.train.params",
      "resultUri.$": `States.Format('s3://${resultsBucket}/${INTERMEDIATE_PREFIX}retrain/{}/train-result.json', $$.Execution.Name)`,
    },
    resultPath: "$.job",
  });
  const trainOnBatch = new SyncBatchJob(scope, "TrainOnBatch", {
    jobName: "quakeslide-train",
    jobQueueArn: train.queue.jobQueueArn,
    jobDefinitionArn: train.definition.jobDefinitionArn,
    containerOverrides: {
      environment: { QUAKESLIDE_JOB: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt("$.job")) },
    },
    tags: { "quakeslide:workflow": "retrain" },
    resultPath: sfn.JsonPath.DISCARD,
    stateTimeout: Duration.hours(36),
  });
  const modelFromBatch = new sfn.Pass(scope, "ModelFromBatch", {
    parameters: { "uri.$": "States.Format('{}#model_json', $.job.resultUri)" },
    resultPath: "$.model",
  });

  const predict = invokeStep(
    scope,
    "PredictSusceptibility",
    steps.predict,
    { inputs: { "model.$": "$.model.uri", "covariates.$": "$.covariates" }, params: "$.predict.params" },
    "$.predicted",
  );
  failOnInputError(predict, failed);
  const summary = new sfn.Pass(scope, "RetrainSummary", {
    parameters: { "model.$": "$.model.uri", "susceptibility.$": "$.predicted.runPrefix" },
  });
  predict.next(summary);

  const chooseRuntime = new sfn.Choice(scope, "InventorySize")
    .when(
      sfn.Condition.numberGreaterThanJsonPath("$.size", "$.batchThresholdBytes"),
      prepareJob.next(trainOnBatch).next(modelFromBatch).next(predict),
    )
    .otherwise(trainOnLambda.next(modelFromLambda).next(predict));
  const machine = createStateMachine(scope, "retrain", config.stage, chooseRuntime, Duration.hours(48));
  acknowledgeInvokeQualifiers(machine, [steps.train, steps.predict]);
  acknowledgeBatchSubmit(machine);
  return machine;
}
