import { Aws, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";
import { DATA_PREFIXES, INTERMEDIATE_PREFIX, RUNS_PREFIX } from "../functions/shared/layout.ts";
import { bucketName, bucketNameForFindings, importBucket } from "./names.ts";

/**
 * Least-privilege object access for one pipeline step (a Lambda or a Batch job): read the input
 * prefixes of the data bucket and the results of other steps, write only under its own
 * `runs/<step>/` prefix (and `intermediate/`). Exact actions, no `s3:*`-style action wildcards;
 * the object part of each resource ends in `*` because object keys are data (input hashes).
 */
export function grantPipelineObjectAccess(
  grantee: iam.IGrantable & Construct,
  stage: string,
  steps: readonly string[],
): void {
  const dataBucket = importBucket(grantee, stage, "data");
  const resultsBucket = importBucket(grantee, stage, "results");
  const readResources = [
    ...Object.values(DATA_PREFIXES).map((prefix) => dataBucket.arnForObjects(`${prefix}*`)),
    resultsBucket.arnForObjects(`${RUNS_PREFIX}*`),
    resultsBucket.arnForObjects(`${INTERMEDIATE_PREFIX}*`),
  ];
  const writePrefixes = [...steps.map((step) => `${RUNS_PREFIX}${step}/`), INTERMEDIATE_PREFIX];
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ["s3:GetObject", "s3:GetObjectVersion"], resources: readResources }),
  );
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ["s3:PutObject"],
      resources: writePrefixes.map((prefix) => resultsBucket.arnForObjects(`${prefix}*`)),
    }),
  );
  // Without ListBucket a HEAD of a missing manifest answers 403 instead of 404; scoped by prefix.
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ["s3:ListBucket"],
      resources: [resultsBucket.bucketArn],
      conditions: { StringLike: { "s3:prefix": writePrefixes.map((prefix) => `${prefix}*`) } },
    }),
  );
  const objectPatterns = new Set<string>([
    ...Object.values(DATA_PREFIXES).map((prefix) => `${bucketNameForFindings(stage, "data")}/${prefix}`),
    ...[RUNS_PREFIX, ...writePrefixes].map(
      (prefix) => `${bucketNameForFindings(stage, "results")}/${prefix}`,
    ),
  ]);
  for (const pattern of objectPatterns) {
    Validations.of(grantee).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${pattern}*]`,
      reason:
        "Object keys under this prefix are data (input hashes, user file names); bucket and prefix are fixed.",
    });
  }
}

/** Object access beyond a step's own `runs/<step>/`: published products, pointers, rejected events. */
export interface ProductAccess {
  /** Results-bucket prefixes read (and listed, so that a missing key answers 404, not 403). */
  readResults?: string[];
  /** Results-bucket prefixes written (also read and listed). */
  writeResults?: string[];
  /** Data-bucket prefixes written. */
  writeData?: string[];
  /** Data-bucket prefixes whose objects may be deleted (a rejected event is moved, not copied). */
  deleteData?: string[];
}

/**
 * Grants a publisher (publish, event intake, susceptibility versions) exactly the product prefixes
 * it names: exact actions, one statement per bucket and action, listing scoped by prefix.
 */
export function grantProductAccess(
  grantee: iam.IGrantable & Construct,
  stage: string,
  access: ProductAccess,
): void {
  const arn = (role: "data" | "results", prefix: string) =>
    `arn:${Aws.PARTITION}:s3:::${bucketName(stage, role)}/${prefix}*`;
  const add = (actions: string[], resources: string[], conditions?: Record<string, unknown>) => {
    if (resources.length > 0)
      grantee.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions, resources, conditions }),
      );
  };
  const readResults = [...(access.readResults ?? []), ...(access.writeResults ?? [])];
  add(
    ["s3:GetObject", "s3:GetObjectVersion"],
    readResults.map((p) => arn("results", p)),
  );
  add(
    ["s3:PutObject"],
    (access.writeResults ?? []).map((p) => arn("results", p)),
  );
  add(
    ["s3:PutObject"],
    (access.writeData ?? []).map((p) => arn("data", p)),
  );
  add(
    ["s3:DeleteObject"],
    (access.deleteData ?? []).map((p) => arn("data", p)),
  );
  add(
    ["s3:ListBucket"],
    readResults.length > 0 ? [`arn:${Aws.PARTITION}:s3:::${bucketName(stage, "results")}`] : [],
    {
      StringLike: { "s3:prefix": readResults.map((p) => `${p}*`) },
    },
  );
  const patterns = new Set([
    ...readResults.map((p) => `${bucketNameForFindings(stage, "results")}/${p}`),
    ...[...(access.writeData ?? []), ...(access.deleteData ?? [])].map(
      (p) => `${bucketNameForFindings(stage, "data")}/${p}`,
    ),
  ]);
  for (const pattern of patterns) {
    Validations.of(grantee).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${pattern}*]`,
      reason:
        "Object keys under this product prefix are data (event ids, versions, input hashes); bucket and prefix are fixed.",
    });
  }
}
