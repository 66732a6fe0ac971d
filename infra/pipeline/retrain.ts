import { Duration } from "aws-cdk-lib";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import * as tasks from "aws-cdk-lib/aws-stepfunctions-tasks";
import type { Construct } from "constructs";
import { USER_ERROR_NAMES } from "../../core/errors.ts";
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
 * `retrain`: first score the published susceptibility model (susceptibility/latest.json) on the
 * new inventory (how well the last map predicted what happened), then train a model on it (Lambda
 * when the inventory is small, the `train` Batch job on the GPU queue when its size exceeds
 * `batchThresholdBytes`), predict the susceptibility raster with it, and publish both as a new
 * susceptibility version with the comparison (old vs new AUROC, map difference).
 * Input (functions/shared/machines.ts, retrainInputSchema):
 * { inventory, size, covariates, batchThresholdBytes, train: { params }, predict: { params } }
 */
export function createRetrain(
  scope: Construct,
  config: StageConfig,
  train: ContainerJob,
  steps: {
    train: StepLambda;
    predict: StepLambda;
    current: StepLambda;
    evaluate: StepLambda;
    publish: StepLambda;
  },
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
  const publish = lambdaTask(
    scope,
    "PublishSusceptibility",
    steps.publish,
    {
      "inventory.$": "$.inventory",
      "covariates.$": "$.covariates",
      "predicted.$": "$.predicted",
      "current.$": "$.current",
      "score.$": "$.score",
    },
    "$.published",
  );
  failOnInputError(publish, failed);
  const summary = new sfn.Pass(scope, "RetrainSummary", {
    parameters: {
      "model.$": "$.model.uri",
      "susceptibility.$": "$.predicted.runPrefix",
      "version.$": "$.published.version",
      "published.$": "$.published.product",
      "comparison.$": "$.published.comparison",
    },
  });
  predict.next(publish).next(summary);

  const chooseRuntime = new sfn.Choice(scope, "InventorySize")
    .when(
      sfn.Condition.numberGreaterThanJsonPath("$.size", "$.batchThresholdBytes"),
      prepareJob.next(trainOnBatch).next(modelFromBatch).next(predict),
    )
    .otherwise(trainOnLambda.next(modelFromLambda).next(predict));

  // Score the published model on the new inventory before it is replaced. An inventory it cannot
  // read (other columns) is recorded in $.score and does not stop the retraining.
  const current = lambdaTask(scope, "CurrentModel", steps.current, {}, "$.current");
  const score = invokeStep(
    scope,
    "ScoreCurrentModel",
    steps.evaluate,
    {
      inputs: {
        "model.$": "$.current.model",
        "inventory.$": "$.inventory",
        "covariates.$": "$.current.covariates",
      },
    },
    "$.score",
  );
  score.addCatch(chooseRuntime, { errors: [...USER_ERROR_NAMES], resultPath: "$.score" });
  const noScore = new sfn.Pass(scope, "NothingToScore", {
    result: sfn.Result.fromObject({ skipped: true }),
    resultPath: "$.score",
  });
  const definition = current.next(
    new sfn.Choice(scope, "PublishedModel")
      .when(sfn.Condition.booleanEquals("$.current.found", true), score.next(chooseRuntime))
      .otherwise(noScore.next(chooseRuntime)),
  );
  const machine = createStateMachine(scope, "retrain", config.stage, definition, Duration.hours(48));
  acknowledgeInvokeQualifiers(machine, [
    steps.train,
    steps.predict,
    steps.current,
    steps.evaluate,
    steps.publish,
  ]);
  acknowledgeBatchSubmit(machine);
  return machine;
}

/** A Lambda task whose payload is given as it is (publishers take their own events, not { inputs, params }). */
function lambdaTask(
  scope: Construct,
  id: string,
  step: StepLambda,
  payload: Record<string, unknown>,
  resultPath: string,
): tasks.LambdaInvoke {
  return new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: step.fn,
    payload: sfn.TaskInput.fromObject(payload),
    payloadResponseOnly: true,
    resultPath,
    taskTimeout: sfn.Timeout.duration(step.fn.timeout ?? Duration.minutes(5)),
    retryOnServiceExceptions: true,
  });
}
