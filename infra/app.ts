import { readFileSync } from "node:fs";
import { App } from "aws-cdk-lib";
import { ComputeStack } from "./compute-stack.ts";
import { readStageConfig } from "./config.ts";
import { applyNagChecks } from "./nag.ts";
import { PipelineStack } from "./pipeline-stack.ts";
import { StorageStack } from "./storage-stack.ts";

/** CDK feature flags the stacks rely on (also when the app is built without cdk.json, in tests). */
const FEATURE_FLAGS = {
  // Distributed Map's ResultWriterV2 (the V1 class is deprecated) renders only with this flag.
  "@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2": true,
  // The pipeline stack imports the Batch job definitions and queues from the compute stack:
  // keep CloudFormation's protection of exported values (the behaviour so far), explicitly.
  "@aws-cdk/core:defaultCrossStackReferences": "strong",
};

export interface CreateAppOptions {
  /** CDK context, as `cdk.json` or `-c` would give it (e.g. `{ "quakeslide:stage": "local" }`). */
  context?: Record<string, unknown>;
  /** Cloud assembly folder (default: CDK's, `cdk.out` or the CLI's choice). */
  outdir?: string;
}

/**
 * Builds the Quakeslide CDK app: storage, compute (Batch) and pipeline (Lambdas, state machines,
 * events) stacks, environment-agnostic, with cdk-nag's AWS Solutions checks attached. Tests and
 * the local runtime call this and `app.synth()`; `infra/bin.ts` does the same for the CDK CLI.
 */
export function createApp(options: CreateAppOptions = {}) {
  const app = new App({ context: { ...FEATURE_FLAGS, ...options.context }, outdir: options.outdir });
  const config = readStageConfig(app);
  const prefix = `${config.stage}-quakeslide`;
  const storage = new StorageStack(app, "Storage", { stackName: `${prefix}-storage`, config });
  const compute = new ComputeStack(app, "Compute", {
    stackName: `${prefix}-compute`,
    config,
  });
  const pipeline = new PipelineStack(app, "Pipeline", {
    stackName: `${prefix}-pipeline`,
    config,
    jobs: compute.jobs,
    codeVersion: String(app.node.tryGetContext("quakeslide:codeVersion") ?? packageVersion()),
  });
  // The stacks share buckets by name, not by export: state the deployment order explicitly.
  compute.addStackDependency(storage);
  pipeline.addStackDependency(storage);
  applyNagChecks(app);
  return { app, storage, compute, pipeline };
}

function packageVersion(): string {
  const text = readFileSync(new URL("../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}
