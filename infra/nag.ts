import { type App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import type { ComputeStack } from "./compute-stack.ts";
import type { PipelineStack } from "./pipeline-stack.ts";
import type { StorageStack } from "./storage-stack.ts";

export function applyNagChecks(
  app: App,
  stacks: { storage: StorageStack; compute: ComputeStack; pipeline: PipelineStack },
): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  void stacks;
}
