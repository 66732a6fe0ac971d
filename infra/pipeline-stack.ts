import { Duration, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import type { ContainerJob } from "./compute-stack.ts";
import type { StageConfig } from "./config.ts";
import { createCampaign } from "./pipeline/campaign.ts";
import { createEventUpdate } from "./pipeline/event-update.ts";
import { createHazardPipeline } from "./pipeline/hazard-pipeline.ts";
import { createInventoryRule } from "./pipeline/inventory-rule.ts";
import { LIGHT_STEPS, type LightStepName, PUBLISHERS, type PublisherName } from "./pipeline/light-steps.ts";
import { createRetrain } from "./pipeline/retrain.ts";
import { constructIdOf } from "./pipeline/state-machine.ts";
import { StepLambda } from "./pipeline/step-lambda.ts";

export interface PipelineStackProps extends StackProps {
  config: StageConfig;
  jobs: Record<"sem" | "train", ContainerJob>;
  /** Recorded in every run manifest (and part of the run key). */
  codeVersion: string;
}

/**
 * The light steps and publishers as Lambda functions, the `hazard-pipeline`, `event-update`,
 * `campaign` and `retrain` state machines, and the S3 event rules: `inventory/` starts `retrain`,
 * `events/<id>/event.json` the event intake, which starts `event-update`. Each later addition (event-triggered
 * update, fast ground motion, hazard combination, campaign aggregation) is one more construct here:
 * a LIGHT_STEPS entry + handler for a new Lambda, a create* function for a new machine or rule.
 */
export class PipelineStack extends Stack {
  readonly steps: Record<LightStepName | PublisherName, StepLambda>;
  readonly stateMachines: Record<
    "hazard-pipeline" | "event-update" | "campaign" | "retrain",
    sfn.StateMachine
  >;
  /** Events that could not start their state machine land here (kept 14 days) for replay. */
  readonly eventDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.eventDeadLetterQueue = new sqs.Queue(this, "EventDeadLetterQueue", {
      enforceSSL: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.eventDeadLetterQueue).acknowledge({
      id: "AwsSolutions-SQS3",
      reason:
        "This queue is itself the dead-letter queue of the EventBridge rule targets (the rule cannot see that).",
    });

    const names = Object.keys(LIGHT_STEPS) as LightStepName[];
    const publishers = Object.keys(PUBLISHERS) as PublisherName[];
    this.steps = Object.fromEntries([
      ...names.map((name) => [
        name,
        new StepLambda(this, `${constructIdOf(name)}Step`, {
          name,
          ...LIGHT_STEPS[name],
          config,
          codeVersion: props.codeVersion,
        }),
      ]),
      // Publishers write products, not runs/<step>/: their own ids keep them apart in reviews.
      ...publishers.map((name) => [
        name,
        new StepLambda(this, `${constructIdOf(name)}Publisher`, {
          name,
          ...PUBLISHERS[name],
          config,
          codeVersion: props.codeVersion,
        }),
      ]),
    ]) as Record<LightStepName | PublisherName, StepLambda>;

    const retrain = createRetrain(this, config, props.jobs.train, {
      train: this.steps["susceptibility-train"],
      predict: this.steps["susceptibility-predict"],
      current: this.steps["susceptibility-current"],
      evaluate: this.steps["susceptibility-evaluate"],
      publish: this.steps["susceptibility-publish"],
    });
    this.stateMachines = {
      "hazard-pipeline": createHazardPipeline(this, config.stage, this.steps),
      "event-update": createEventUpdate(this, config, this.steps, this.eventDeadLetterQueue),
      campaign: createCampaign(this, config, props.jobs.sem, this.steps["campaign-aggregate"]),
      retrain,
    };
    createInventoryRule(this, config, retrain, this.eventDeadLetterQueue);
  }
}
