import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** Account id the embedded runtime uses in ARNs (LocalStack uses the same one). */
export const LOCAL_ACCOUNT = "000000000000";

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

/** The synthesized templates of a CDK app, one per stack, keyed by stack name. */
export type StackTemplates = Map<string, CfnTemplate>;

/** Reads every `*.template.json` of a cloud assembly folder (what `cdk synth` writes to cdk.out). */
export function readAssemblyTemplates(assemblyDir: string): StackTemplates {
  const templates: StackTemplates = new Map();
  for (const name of readdirSync(assemblyDir).sort()) {
    if (!name.endsWith(".template.json")) continue;
    templates.set(
      name.slice(0, -".template.json".length),
      JSON.parse(readFileSync(join(assemblyDir, name), "utf8")),
    );
  }
  return templates;
}

/** Synthesizes a CDK App (an `aws-cdk-lib` App instance) and returns its templates. */
export function synthesizeTemplates(app: {
  synth(): { stacks: { stackName: string; template: unknown }[] };
}) {
  const templates: StackTemplates = new Map();
  for (const stack of app.synth().stacks) templates.set(stack.stackName, stack.template as CfnTemplate);
  return templates;
}

/**
 * Synthesizes `<projectRoot>/infra/app.ts` (its `createApp`) with cdk.json's context and the
 * `local` stage, the one the app builds for emulators, without asset bundling (esbuild, Docker:
 * that is for deployment). The caller must be able to import TypeScript.
 */
export async function synthesizeProjectTemplates(projectRoot: string): Promise<StackTemplates> {
  type Synthesizable = Parameters<typeof synthesizeTemplates>[0];
  const appFile = join(projectRoot, "infra", "app.ts");
  const { createApp } = (await import(pathToFileURL(appFile).href)) as {
    createApp: (options: { context: Record<string, unknown> }) => Synthesizable | { app: Synthesizable };
  };
  const cdkJson = join(projectRoot, "cdk.json");
  const context = existsSync(cdkJson) ? (JSON.parse(readFileSync(cdkJson, "utf8")).context ?? {}) : {};
  const created = createApp({
    context: { ...context, "quakeslide:stage": "local", "aws:cdk:bundling-stacks": [] },
  });
  return synthesizeTemplates("app" in created ? created.app : created);
}

/**
 * Gives every resource the local identity that AWS would give it: the name in its `...Name`
 * property when the app sets one, otherwise a name derived from stack and logical id; and the ARN
 * built from that name, so that references between resources resolve consistently.
 */
export class ResourceIdentities {
  constructor(
    readonly templates: StackTemplates,
    readonly region: string,
  ) {}

  physicalName(stack: string, logicalId: string): string {
    const resource = this.resource(stack, logicalId);
    const properties = resource.Properties ?? {};
    const nameProperty = NAME_PROPERTIES[resource.Type];
    // Names are often built from pseudo parameters (`<stage>-data-${AWS::AccountId}-...`).
    const explicit = nameProperty ? resolveIntrinsics(properties[nameProperty], stack, this) : undefined;
    if (typeof explicit === "string" && explicit !== "") return explicit;
    // CDK appends an 8-hex hash to logical ids; drop it so names read like the construct id.
    const base = logicalId.replace(/[0-9A-F]{8}$/, "");
    if (resource.Type === "AWS::S3::Bucket") {
      return `${stack}-${base}`
        .toLowerCase()
        .replace(/[^a-z0-9.-]/g, "-")
        .slice(0, 63);
    }
    return `${stack}-${base}`.slice(0, 64);
  }

  ref(stack: string, logicalId: string): string {
    const type = this.resource(stack, logicalId).Type;
    const name = this.physicalName(stack, logicalId);
    if (REF_IS_ARN.has(type)) return this.arn(stack, logicalId);
    return name;
  }

  arn(stack: string, logicalId: string): string {
    const resource = this.resource(stack, logicalId);
    const name = this.physicalName(stack, logicalId);
    const prefix = (service: string) => `arn:aws:${service}:${this.region}:${LOCAL_ACCOUNT}`;
    switch (resource.Type) {
      case "AWS::Lambda::Function":
        return `${prefix("lambda")}:function:${name}`;
      case "AWS::StepFunctions::StateMachine":
        return `${prefix("states")}:stateMachine:${name}`;
      case "AWS::S3::Bucket":
        return `arn:aws:s3:::${name}`;
      case "AWS::Batch::JobDefinition":
        return `${prefix("batch")}:job-definition/${name}:1`;
      case "AWS::Batch::JobQueue":
        return `${prefix("batch")}:job-queue/${name}`;
      case "AWS::IAM::Role":
        return `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`;
      case "AWS::Events::Rule":
        return `${prefix("events")}:rule/${name}`;
      default:
        return `${prefix("local")}:${resource.Type.replaceAll("::", "-")}/${name}`;
    }
  }

  resource(stack: string, logicalId: string): CfnResource {
    const resource = this.templates.get(stack)?.Resources?.[logicalId];
    if (!resource) throw new Error(`template of stack ${stack} has no resource ${logicalId}`);
    return resource;
  }
}

const NAME_PROPERTIES: Record<string, string> = {
  "AWS::Lambda::Function": "FunctionName",
  "AWS::StepFunctions::StateMachine": "StateMachineName",
  "AWS::S3::Bucket": "BucketName",
  "AWS::Batch::JobDefinition": "JobDefinitionName",
  "AWS::Batch::JobQueue": "JobQueueName",
  "AWS::IAM::Role": "RoleName",
  "AWS::Events::Rule": "Name",
};

/** Resource types whose `Ref` is their ARN rather than their name (as CloudFormation documents). */
const REF_IS_ARN = new Set([
  "AWS::StepFunctions::StateMachine",
  "AWS::Batch::JobDefinition",
  "AWS::Batch::JobQueue",
]);

/**
 * Resolves CloudFormation intrinsic functions (Ref, Fn::GetAtt, Fn::Join, Fn::Sub,
 * Fn::ImportValue, Fn::Select, Fn::Split) in a value taken from `stack`'s template.
 */
export function resolveIntrinsics(value: unknown, stack: string, ids: ResourceIdentities): unknown {
  const resolve = (v: unknown): unknown => resolveIntrinsics(v, stack, ids);
  if (Array.isArray(value)) return value.map(resolve);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [key, argument] = entries[0];
    switch (key) {
      case "Ref":
        return resolveRef(String(argument), stack, ids);
      case "Fn::GetAtt": {
        const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split(".");
        return resolveGetAtt(String(logicalId), String(resolve(attribute)), stack, ids);
      }
      case "Fn::Join": {
        const [separator, parts] = argument as [string, unknown[]];
        return (resolve(parts) as unknown[]).join(separator);
      }
      case "Fn::Select": {
        const [index, list] = argument as [unknown, unknown];
        return (resolve(list) as unknown[])[Number(resolve(index))];
      }
      case "Fn::Split": {
        const [separator, text] = argument as [string, unknown];
        return String(resolve(text)).split(separator);
      }
      case "Fn::Sub":
        return resolveSub(argument, stack, ids);
      case "Fn::ImportValue":
        return resolveImport(String(resolve(argument)), ids);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
}

function resolveRef(name: string, stack: string, ids: ResourceIdentities): string {
  switch (name) {
    case "AWS::Partition":
      return "aws";
    case "AWS::Region":
      return ids.region;
    case "AWS::AccountId":
      return LOCAL_ACCOUNT;
    case "AWS::URLSuffix":
      return "amazonaws.com";
    case "AWS::StackName":
      return stack;
    case "AWS::NoValue":
      return "";
  }
  return ids.ref(stack, name);
}

function resolveGetAtt(logicalId: string, attribute: string, stack: string, ids: ResourceIdentities): string {
  if (attribute === "Arn" || attribute.endsWith("Arn")) return ids.arn(stack, logicalId);
  if (attribute === "Name" || attribute.endsWith("Name")) return ids.physicalName(stack, logicalId);
  return `${ids.physicalName(stack, logicalId)}.${attribute}`;
}

function resolveSub(argument: unknown, stack: string, ids: ResourceIdentities): string {
  const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
  return String(text).replace(/\$\{([^}!][^}]*)\}/g, (_, expression: string) => {
    if (variables && expression in variables) {
      return String(resolveIntrinsics((variables as Record<string, unknown>)[expression], stack, ids));
    }
    const [logicalId, ...attribute] = expression.split(".");
    if (attribute.length > 0) return resolveGetAtt(logicalId, attribute.join("."), stack, ids);
    return resolveRef(logicalId, stack, ids);
  });
}

function resolveImport(exportName: string, ids: ResourceIdentities): unknown {
  for (const [stack, template] of ids.templates) {
    for (const output of Object.values(template.Outputs ?? {})) {
      if (output.Export && resolveIntrinsics(output.Export.Name, stack, ids) === exportName) {
        return resolveIntrinsics(output.Value, stack, ids);
      }
    }
  }
  throw new Error(`no stack of the app exports "${exportName}" (Fn::ImportValue)`);
}
