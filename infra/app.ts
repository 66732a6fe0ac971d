import { App } from "aws-cdk-lib";
import { ComputeStack } from "./compute-stack.ts";
import { readStageConfig } from "./config.ts";
import { applyNagChecks } from "./nag.ts";
import { PipelineStack } from "./pipeline-stack.ts";
import { StorageStack } from "./storage-stack.ts";

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
  const app = new App({ context: options.context, outdir: options.outdir });
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
  });
  // The stacks share buckets by name, not by export: state the deployment order explicitly.
  compute.addDependency(storage);
  pipeline.addDependency(storage);
  applyNagChecks(app, { storage, compute, pipeline });
  return { app, storage, compute, pipeline };
}
