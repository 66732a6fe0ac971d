import { type CfnResource, Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import * as tasks from "aws-cdk-lib/aws-stepfunctions-tasks";
import type { Construct } from "constructs";
import { USER_ERROR_NAMES } from "../../core/errors.ts";
import type { StepLambda } from "./step-lambda.ts";

/** Construct id from a machine name: `hazard-pipeline` → `HazardPipeline`. */
export function constructIdOf(name: string): string {
  return name
    .split("-")
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join("");
}

/**
 * A state machine named `<stage>-<name>` (construct id from `name`), with full logging to its own
 * log group and X-Ray tracing, as every Quakeslide machine has.
 */
export function createStateMachine(
  scope: Construct,
  name: string,
  stage: string,
  definition: sfn.IChainable,
  timeout: Duration,
): sfn.StateMachine {
  const id = constructIdOf(name);
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    logGroupName: `/aws/vendedlogs/states/${stage}-quakeslide-${name}`,
    retention: logs.RetentionDays.THREE_MONTHS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const machine = new sfn.StateMachine(scope, id, {
    stateMachineName: `${stage}-quakeslide-${name}`,
    definitionBody: sfn.DefinitionBody.fromChainable(definition),
    timeout,
    tracingEnabled: true,
    logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
  });
  Validations.of(machine).acknowledge({
    id: "AwsSolutions-IAM5[Resource::*]",
    reason:
      "Log delivery (logs:CreateLogDelivery etc.) and X-Ray (xray:PutTraceSegments) have no resource-level permissions.",
  });
  return machine;
}

/**
 * Invokes a step Lambda with `{ inputs, params }` and puts its StepResult at `resultPath`. A
 * string for `inputs` or `params` is a JSONPath (or intrinsic function) evaluated on the state input.
 */
export function invokeStep(
  scope: Construct,
  id: string,
  step: StepLambda,
  payload: { inputs: string | Record<string, unknown>; params?: string | Record<string, unknown> },
  resultPath: string,
): tasks.LambdaInvoke {
  const field = (name: string, value: string | Record<string, unknown> | undefined) =>
    typeof value === "string" ? { [`${name}.$`]: value } : { [name]: value ?? {} };
  const task = new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: step.fn,
    payload: sfn.TaskInput.fromObject({
      ...field("inputs", payload.inputs),
      ...field("params", payload.params),
    }),
    payloadResponseOnly: true,
    resultPath,
    taskTimeout: sfn.Timeout.duration(step.fn.timeout ?? Duration.minutes(15)),
    // Lambda.ServiceException, AWSLambdaException, SdkClientException, ClientExecutionTimeout.
    retryOnServiceExceptions: true,
  });
  // Throttling when many campaigns or events run at once: back off rather than fail.
  task.addRetry({
    errors: ["Lambda.TooManyRequestsException"],
    interval: Duration.seconds(5),
    backoffRate: 2,
    maxAttempts: 8,
  });
  return task;
}

/** A bad input fails the same way every time: no retry, end the execution with its message. */
export function failOnInputError(state: sfn.TaskStateBase | sfn.Parallel, failed: sfn.Fail): void {
  state.addCatch(failed, { errors: [...USER_ERROR_NAMES], resultPath: "$.error" });
}

/** The logical id of a construct's CloudFormation resource, as cdk-nag prints it in finding ids. */
export function logicalIdOf(resource: CfnResource): string {
  const stack = Stack.of(resource);
  return stack.resolve(stack.getLogicalId(resource)) as string;
}

/**
 * Lambda invoke permissions that CDK writes for a machine: the function and `<arn>:*`, which
 * covers its versions and aliases (Step Functions may call a qualified ARN); nothing else.
 */
export function acknowledgeInvokeQualifiers(machine: sfn.StateMachine, steps: StepLambda[]): void {
  for (const step of steps) {
    Validations.of(machine).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(step.fn.node.defaultChild as CfnResource)}.Arn>:*]`,
      reason: "Versions and aliases of this one step function (qualified ARNs); no other function.",
    });
  }
}

/** CDK's Batch `submitJob` integration grants SubmitJob on job definitions by pattern. */
export function acknowledgeBatchSubmit(machine: sfn.StateMachine): void {
  Validations.of(machine).acknowledge({
    id: "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:batch:<AWS::Region>:<AWS::AccountId>:job-definition/*]",
    reason:
      "Job definition ARNs carry a revision that changes at every deployment, so CDK grants batch:SubmitJob on " +
      "job-definition/*; the job queue resource (exact ARN) limits where jobs run.",
  });
}

/**
 * `batch:submitJob.sync` with a state-level TimeoutSeconds. CDK's BatchSubmitJob turns its
 * `taskTimeout` into the job's attempt duration and drops the state's own timeout; the attempt
 * duration stays with the job definition, and the state gets an upper bound over all attempts.
 */
export class SyncBatchJob extends tasks.BatchSubmitJob {
  private readonly stateTimeout: Duration;

  constructor(
    scope: Construct,
    id: string,
    props: Omit<tasks.BatchSubmitJobProps, "integrationPattern" | "taskTimeout" | "timeout"> & {
      stateTimeout: Duration;
    },
  ) {
    super(scope, id, { ...props, integrationPattern: sfn.IntegrationPattern.RUN_JOB });
    this.stateTimeout = props.stateTimeout;
    // SubmitJob is limited to 50 calls per second per account; a Distributed Map starting
    // hundreds of children at once runs into it. Full jitter spreads the retries (AWS's advice:
    // exponential back-off with jitter) instead of having them collide again in step.
    this.addRetry({
      errors: ["Batch.TooManyRequestsException"],
      interval: Duration.seconds(1),
      backoffRate: 2,
      maxAttempts: 10,
      maxDelay: Duration.seconds(60),
      jitterStrategy: sfn.JitterType.FULL,
    });
    this.addRetry({
      errors: ["Batch.AWSBatchException", "Batch.ServerException"],
      interval: Duration.seconds(10),
      backoffRate: 2,
      maxAttempts: 5,
      jitterStrategy: sfn.JitterType.FULL,
    });
  }

  protected override _renderTask(topLevelQueryLanguage?: sfn.QueryLanguage) {
    return { ...super._renderTask(topLevelQueryLanguage), TimeoutSeconds: this.stateTimeout.toSeconds() };
  }
}
