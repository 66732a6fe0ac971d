import { type CfnResource, ResourceIdentities, resolveIntrinsics, type StackTemplates } from "./templates.ts";

/** What the embedded runtime needs to know about a CDK app, read from its synthesized templates. */
export interface AppModel {
  stateMachines: StateMachineModel[];
  functions: FunctionModel[];
  jobDefinitions: JobDefinitionModel[];
  buckets: BucketModel[];
  rules: RuleModel[];
}

export interface StateMachineModel {
  name: string;
  arn: string;
  definition: Record<string, unknown>;
}

export interface FunctionModel {
  name: string;
  arn: string;
  /** Folder under functions/ (env QUAKESLIDE_FUNCTION); the handler is functions/<folder>/handler.ts. */
  folder: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
}

export interface JobDefinitionModel {
  name: string;
  arn: string;
  /** Folder under containers/ (env QUAKESLIDE_CONTAINER); runs containers/<folder>/entrypoint.ts. */
  folder: string;
  environment: Record<string, string>;
  /** Batch RetryStrategy.Attempts: how many times a failing job is run in all (1 to 10). */
  attempts: number;
  timeoutSeconds?: number;
}

export interface BucketModel {
  /** The construct id without CDK's hash suffix: DataBucket, ResultsBucket. */
  id: string;
  name: string;
}

export interface RuleModel {
  name: string;
  eventPattern: Record<string, unknown>;
  targets: { arn: string; input?: string; inputPath?: string; inputTransformer?: InputTransformer }[];
}

export interface InputTransformer {
  InputPathsMap?: Record<string, string>;
  InputTemplate: string;
}

/** Builds the model from every stack's template, resolving intrinsics against the whole app. */
export function buildAppModel(templates: StackTemplates, region: string): AppModel {
  const ids = new ResourceIdentities(templates, region);
  const model: AppModel = { stateMachines: [], functions: [], jobDefinitions: [], buckets: [], rules: [] };
  for (const [stack, template] of templates) {
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      const properties = resolveIntrinsics(resource.Properties ?? {}, stack, ids) as Record<string, unknown>;
      const name = ids.physicalName(stack, logicalId);
      const arn = ids.arn(stack, logicalId);
      addResource(model, resource, properties, { name, arn, id: logicalId.replace(/[0-9A-F]{8}$/, "") });
    }
  }
  return model;
}

function addResource(
  model: AppModel,
  resource: CfnResource,
  properties: Record<string, unknown>,
  identity: { name: string; arn: string; id: string },
): void {
  const { name, arn } = identity;
  switch (resource.Type) {
    case "AWS::StepFunctions::StateMachine": {
      const text = properties.DefinitionString;
      const definition = typeof text === "string" ? JSON.parse(text) : properties.Definition;
      model.stateMachines.push({ name, arn, definition });
      break;
    }
    case "AWS::Lambda::Function": {
      const environment = ((properties.Environment as { Variables?: Record<string, string> })?.Variables ??
        {}) as Record<string, string>;
      const folder = environment.QUAKESLIDE_FUNCTION;
      if (!folder) break; // CDK's own helper functions (bucket notifications, log retention)
      model.functions.push({
        name,
        arn,
        folder,
        environment,
        timeoutSeconds: Number(properties.Timeout ?? 3),
      });
      break;
    }
    case "AWS::Batch::JobDefinition": {
      const container = (properties.ContainerProperties ?? {}) as {
        Environment?: { Name: string; Value: string }[];
      };
      const environment = Object.fromEntries(
        (container.Environment ?? []).map((e) => [e.Name, String(e.Value)]),
      );
      const folder = environment.QUAKESLIDE_CONTAINER;
      if (!folder) break;
      const retry = properties.RetryStrategy as { Attempts?: number } | undefined;
      const timeout = properties.Timeout as { AttemptDurationSeconds?: number } | undefined;
      model.jobDefinitions.push({
        name,
        arn,
        folder,
        environment,
        attempts: retry?.Attempts ?? 1,
        timeoutSeconds: timeout?.AttemptDurationSeconds,
      });
      break;
    }
    case "AWS::S3::Bucket":
      model.buckets.push({ id: identity.id, name });
      break;
    case "AWS::Events::Rule": {
      if (properties.State === "DISABLED" || !properties.EventPattern) break;
      const targets = (properties.Targets ?? []) as {
        Arn: string;
        Input?: string;
        InputPath?: string;
        InputTransformer?: InputTransformer;
      }[];
      model.rules.push({
        name,
        eventPattern: properties.EventPattern as Record<string, unknown>,
        targets: targets.map((t) => ({
          arn: t.Arn,
          input: t.Input,
          inputPath: t.InputPath,
          inputTransformer: t.InputTransformer,
        })),
      });
      break;
    }
  }
}

/**
 * Finds a state machine by the flow name a user types: its exact name, or the name with a
 * prefix/suffix the app adds (for example `quakeslide-hazard-pipeline`).
 */
export function findStateMachine(model: AppModel, flow: string): StateMachineModel | undefined {
  return (
    model.stateMachines.find((m) => m.name === flow || m.arn === flow) ??
    model.stateMachines.find((m) => m.name.toLowerCase().endsWith(flow.toLowerCase()))
  );
}
