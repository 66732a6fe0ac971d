import { fileURLToPath } from "node:url";
import { type Duration, Size, Validations } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { MEMORY_LIMIT_ENV } from "../../core/limits.ts";
import type { StageConfig } from "../config.ts";
import { grantPipelineObjectAccess, grantProductAccess, type ProductAccess } from "../grants.ts";
import { bucketName } from "../names.ts";

const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));

/**
 * How the handlers are bundled (also used by the bundle test, which runs esbuild the same way):
 * ESM for Node 22, the AWS SDK left to the Lambda runtime, and `require` provided for the
 * CommonJS dependencies (geotiff's) inside the ESM bundle.
 */
export const LAMBDA_BUNDLE = {
  target: "node22",
  external: ["@aws-sdk/*"],
  banner:
    "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
} as const;

/** Size of one light step's Lambda: rasters are staged in /tmp, so storage follows memory. */
export interface StepLambdaSize {
  memoryMiB: number;
  timeout: Duration;
  /** /tmp size: inputs and outputs of one run (a 10k x 10k float raster is 400 MB). */
  ephemeralGiB: number;
}

export interface StepLambdaProps extends StepLambdaSize {
  /** Folder under `functions/` (`functions/<name>/handler.ts`), also its `runs/<name>/` prefix. */
  name: string;
  description: string;
  config: StageConfig;
  codeVersion: string;
  /**
   * Product prefixes a publisher reads and writes (see grantProductAccess). A function with
   * `access` writes no `runs/<name>/` of its own: it publishes, it does not compute a step.
   */
  access?: ProductAccess;
}

/**
 * One light step as a Lambda: `functions/<name>/handler.ts` bundled by the local esbuild (no
 * Docker), Node 22 on arm64, X-Ray, its own log group, and object access limited to its prefixes.
 */
export class StepLambda extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: StepLambdaProps) {
    super(scope, id);
    const environment: Record<string, string> = {
      QUAKESLIDE_FUNCTION: props.name,
      QUAKESLIDE_CODE_VERSION: props.codeVersion,
      DATA_BUCKET: bucketName(props.config.stage, "data"),
      RESULTS_BUCKET: bucketName(props.config.stage, "results"),
      NODE_OPTIONS: "--enable-source-maps",
      // The steps refuse work estimated past this (core/limits.ts): 80 % of the function's memory.
      [MEMORY_LIMIT_ENV]: String(Math.floor((props.memoryMiB * 1.048576 * 0.8) / 10) / 100),
    };
    if (props.config.endpointUrl) environment.AWS_ENDPOINT_URL = props.config.endpointUrl;
    this.fn = new NodejsFunction(this, "Function", {
      entry: `${repositoryRoot}functions/${props.name}/handler.ts`,
      handler: "handler",
      projectRoot: repositoryRoot,
      depsLockFilePath: `${repositoryRoot}package-lock.json`,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMiB,
      timeout: props.timeout,
      ephemeralStorageSize: Size.gibibytes(props.ephemeralGiB),
      tracing: lambda.Tracing.ACTIVE,
      environment,
      logGroup: new logs.LogGroup(this, "Logs", { retention: logs.RetentionDays.THREE_MONTHS }),
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: "node22",
        minify: true,
        sourceMap: true,
        // geotiff and a few others are CommonJS inside an ESM bundle: give them `require`.
        banner:
          "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
    });
    grantPipelineObjectAccess(this.fn, props.config.stage, props.access ? [] : [props.name]);
    if (props.access) grantProductAccess(this.fn, props.config.stage, props.access);
    Validations.of(this).acknowledge({
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
      reason: "AWS-maintained policy that only allows writing this function's CloudWatch Logs.",
    });
    Validations.of(this).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "Pinned to nodejs22.x, the newest Node line the code is tested on (CI: Node 20) and LocalStack runs; " +
        "moving to nodejs24.x is a one-line change once CI covers Node 24.",
    });
    Validations.of(this).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "X-Ray trace upload (xray:PutTraceSegments/PutTelemetryRecords) has no resource-level permissions.",
    });
  }
}
