import { Duration } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import { DATA_PREFIXES } from "../../functions/shared/layout.ts";
import type { StageConfig } from "../config.ts";
import { bucketName } from "../names.ts";
import { createHazardMachine, type PipelineFunctions } from "./hazard-pipeline.ts";

/** The object that starts an event's update: `events/<id>/event.json` (a grid.xml beside it is read, not watched). */
export const EVENT_FILE_NAME = "event.json";

/**
 * `event-update`: the hazard chain of the event's area with the event's ground motion, published
 * under `events/<id>/v<version>/`. An `events/<id>/event.json` written to the data bucket reaches
 * the `event-intake` Lambda (EventBridge rule); it validates the file (or moves it to
 * `events-rejected/`), skips versions older than or equal to the published one, and starts this
 * machine with the execution name `<id>-v<version>`, so a repeated delivery is the same
 * execution (Step Functions refuses a second one with that name).
 */
export function createEventUpdate(
  scope: Construct,
  config: StageConfig,
  fns: PipelineFunctions,
  deadLetterQueue: sqs.IQueue,
): sfn.StateMachine {
  const machine = createHazardMachine(scope, "event-update", config.stage, fns);
  const intake = fns["event-intake"].fn;
  intake.addEnvironment("EVENT_UPDATE_STATE_MACHINE_ARN", machine.stateMachineArn);
  machine.grantStartExecution(intake);

  const rule = new events.Rule(scope, "EventRule", {
    description: "New event file: validate it and update the event's hazard map",
    eventPattern: {
      source: ["aws.s3"],
      detailType: ["Object Created"],
      detail: {
        bucket: { name: [bucketName(config.stage, "data")] },
        // A prefix rule (a wildcard would need EventBridge's newest filter syntax): the intake
        // ignores every key but events/<id>/event.json, e.g. the grid.xml written beside it.
        object: { key: [{ prefix: DATA_PREFIXES.events }] },
      },
    },
  });
  rule.addTarget(
    new targets.LambdaFunction(intake, {
      event: events.RuleTargetInput.fromObject({
        bucket: events.EventField.fromPath("$.detail.bucket.name"),
        key: events.EventField.fromPath("$.detail.object.key"),
        etag: events.EventField.fromPath("$.detail.object.etag"),
      }),
      deadLetterQueue,
      retryAttempts: 8,
      maxEventAge: Duration.hours(24),
    }),
  );
  return machine;
}
