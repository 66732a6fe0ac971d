// Checks the infra tests apply to a synthesized template. Each has a positive and a negative test
// (as cdk-nag's own rule tests do), so a check that can never fail would be caught.
import type { Template } from "aws-cdk-lib/assertions";
import { type Json, resourcesOfType } from "./helpers.ts";

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Does a bucket policy on this bucket deny every request that does not use TLS? */
export function bucketDeniesInsecureTransport(template: Template, bucketLogicalId: string): boolean {
  return Object.values(resourcesOfType(template, "AWS::S3::BucketPolicy")).some((policy) => {
    const properties = policy.Properties as Json;
    if (JSON.stringify(properties.Bucket) !== JSON.stringify({ Ref: bucketLogicalId })) return false;
    const statements = asArray((properties.PolicyDocument as Json).Statement as Json[]);
    return statements.some((statement) => {
      const condition = statement.Condition as { Bool?: Record<string, unknown> } | undefined;
      return (
        statement.Effect === "Deny" &&
        asArray(statement.Action as string | string[]).includes("s3:*") &&
        JSON.stringify(statement.Principal) === JSON.stringify({ AWS: "*" }) &&
        condition?.Bool?.["aws:SecureTransport"] === "false"
      );
    });
  });
}

/** Allow statements whose Resource is exactly "*", with their policy's logical id. */
export function wildcardResourceStatements(template: Template): { policy: string; actions: string[] }[] {
  const found: { policy: string; actions: string[] }[] = [];
  for (const type of ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"]) {
    for (const [id, policy] of Object.entries(resourcesOfType(template, type))) {
      const document = (policy.Properties as Json).PolicyDocument as Json;
      for (const statement of asArray(document.Statement as Json[])) {
        if (statement.Effect === "Allow" && asArray(statement.Resource as unknown).includes("*")) {
          found.push({ policy: id, actions: asArray(statement.Action as string | string[]) });
        }
      }
    }
  }
  return found;
}

/** Actions that AWS does not scope to resources, so "*" is the only possible Resource. */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL = new Set([
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
  "ecr:GetAuthorizationToken",
]);

/**
 * The subset of EventBridge pattern matching the rules use: exact values and `prefix`, nested
 * objects, every field of the pattern required.
 */
export function eventPatternMatches(pattern: Json, event: Json): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const value = event[field];
    if (Array.isArray(expected)) {
      return expected.some((option) =>
        option !== null && typeof option === "object"
          ? typeof value === "string" &&
            "prefix" in option &&
            value.startsWith(String((option as Json).prefix))
          : value === option,
      );
    }
    return (
      value !== null && typeof value === "object" && eventPatternMatches(expected as Json, value as Json)
    );
  });
}

/** GPUs a Batch job definition asks for (0 when none). */
export function gpuCount(jobDefinition: Json): number {
  const container = (jobDefinition.Properties as Json).ContainerProperties as Json;
  const requirement = asArray(container.ResourceRequirements as Json[]).find((r) => r.Type === "GPU");
  return requirement ? Number(requirement.Value) : 0;
}
