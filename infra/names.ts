import { Aws } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";

/**
 * Bucket names: `<stage>-quakeslide-<role>-<account>-<region>`. Deterministic names let the other
 * stacks refer to the buckets without CloudFormation exports (each stack deploys on its own) and
 * keep the IAM resources readable, e.g. `arn:aws:s3:::dev-quakeslide-data-1234...-eu-west-1/dem/*`.
 */
export type BucketRole = "data" | "results" | "access-logs";

export function bucketName(stage: string, role: BucketRole): string {
  return `${stage}-quakeslide-${role}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** The same name as cdk-nag prints it in finding ids (pseudo parameters as `<AWS::...>`). */
export function bucketNameForFindings(stage: string, role: BucketRole): string {
  return `${stage}-quakeslide-${role}-<AWS::AccountId>-<AWS::Region>`;
}

/** Stage names become part of bucket names: lowercase letters, digits and hyphens only. */
export function assertValidStage(stage: string): void {
  if (!/^[a-z][a-z0-9-]{0,11}$/.test(stage)) {
    throw new Error(`context quakeslide:stage "${stage}" must be 1-12 lowercase letters, digits or hyphens`);
  }
}

/** The bucket of another stack, by its deterministic name (no cross-stack export). */
export function importBucket(scope: Construct, stage: string, role: BucketRole): s3.IBucket {
  const id =
    role === "data" ? "DataBucketRef" : role === "results" ? "ResultsBucketRef" : "AccessLogBucketRef";
  return s3.Bucket.fromBucketName(scope, id, bucketName(stage, role));
}
