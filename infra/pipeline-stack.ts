import { Duration, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import type { ContainerJob } from "./compute-stack.ts";
import type { StageConfig } from "./config.ts";

export interface PipelineStackProps extends StackProps {
  config: StageConfig;
  jobs: Record<"sem" | "train", ContainerJob>;
}

/**
 * The light steps as Lambda functions, the `hazard-pipeline`, `campaign` and `retrain` state
 * machines, and the S3 event rules that start them. Each later addition (event-triggered update,
 * fast ground motion, hazard combination, campaign aggregation) is one more construct here.
 */
export class PipelineStack extends Stack {
  /** Events that could not start their state machine land here (kept 14 days) for replay. */
  readonly eventDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
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
  }
}
