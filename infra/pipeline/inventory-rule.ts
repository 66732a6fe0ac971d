import { Duration } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import { DATA_PREFIXES } from "../../functions/shared/layout.ts";
import type { StageConfig } from "../config.ts";
import { bucketName } from "../names.ts";

/**
 * A new object under `inventory/` in the data bucket starts `retrain` with that inventory and the
 * stage's retraining settings. Events that cannot start the machine (after EventBridge's retries)
 * go to the dead-letter queue.
 */
export function createInventoryRule(
  scope: Construct,
  config: StageConfig,
  retrain: sfn.IStateMachine,
  deadLetterQueue: sqs.IQueue,
): events.Rule {
  const dataBucket = bucketName(config.stage, "data");
  const rule = new events.Rule(scope, "InventoryRule", {
    description: "New landslide inventory: retrain the susceptibility model",
    eventPattern: {
      source: ["aws.s3"],
      detailType: ["Object Created"],
      detail: {
        bucket: { name: [dataBucket] },
        object: { key: [{ prefix: DATA_PREFIXES.inventory }] },
      },
    },
  });
  const bucketField = events.EventField.fromPath("$.detail.bucket.name");
  const keyField = events.EventField.fromPath("$.detail.object.key");
  rule.addTarget(
    new targets.SfnStateMachine(retrain, {
      input: events.RuleTargetInput.fromObject({
        inventory: `s3://${bucketField}/${keyField}`,
        size: events.EventField.fromPath("$.detail.object.size"),
        covariates: `s3://${dataBucket}/${config.retrainCovariatesKey}`,
        batchThresholdBytes: config.retrainBatchThresholdBytes,
        train: { params: { label: config.retrainLabel } },
        predict: { params: {} },
      }),
      deadLetterQueue,
      retryAttempts: 8,
      maxEventAge: Duration.hours(24),
    }),
  );
  return rule;
}
