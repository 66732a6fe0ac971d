import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import { INTERMEDIATE_PREFIX } from "../functions/shared/layout.ts";
import type { StageConfig } from "./config.ts";
import { bucketName } from "./names.ts";

export interface StorageStackProps extends StackProps {
  config: StageConfig;
}

/**
 * The data bucket (user inputs: DEMs, inventories, soil samples, scenarios, events) and the results
 * bucket, both encrypted, private, TLS-only and logged to a separate access-log bucket.
 * Their logical ids are fixed (`DataBucket`, `ResultsBucket`): the local runtime looks them up.
 */
export class StorageStack extends Stack {
  readonly dataBucket: s3.Bucket;
  readonly resultsBucket: s3.Bucket;
  readonly accessLogBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StorageStackProps) {
    super(scope, id, props);
    const removalPolicy = props.config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const autoDeleteObjects = false; // an auto-delete custom resource is one more Lambda to audit

    const stage = props.config.stage;
    this.accessLogBucket = new s3.Bucket(this, "AccessLogBucket", {
      bucketName: bucketName(stage, "access-logs"),
      encryption: s3.BucketEncryption.S3_MANAGED, // the log delivery service cannot write to KMS buckets
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: "expire-access-logs", expiration: Duration.days(365) }],
      removalPolicy,
      autoDeleteObjects,
    });

    this.dataBucket = new s3.Bucket(this, "DataBucket", {
      bucketName: bucketName(stage, "data"),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Versions let a run manifest name the exact input object it read.
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: "data-bucket/",
      lifecycleRules: [{ id: "expire-old-input-versions", noncurrentVersionExpiration: Duration.days(90) }],
      removalPolicy,
      autoDeleteObjects,
    });

    this.resultsBucket = new s3.Bucket(this, "ResultsBucket", {
      bucketName: bucketName(stage, "results"),
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: "results-bucket/",
      lifecycleRules: [
        {
          id: "expire-intermediates",
          prefix: INTERMEDIATE_PREFIX,
          expiration: Duration.days(props.config.intermediateExpirationDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
        { id: "expire-old-result-versions", noncurrentVersionExpiration: Duration.days(30) },
        { id: "abort-incomplete-uploads", abortIncompleteMultipartUploadAfter: Duration.days(2) },
      ],
      removalPolicy,
      autoDeleteObjects,
    });

    for (const [bucket, logicalId] of [
      [this.dataBucket, "DataBucket"],
      [this.resultsBucket, "ResultsBucket"],
    ] as const) {
      const cfn = bucket.node.defaultChild as s3.CfnBucket;
      cfn.overrideLogicalId(logicalId);
      // EventBridge notifications set on the bucket resource itself; `eventBridgeEnabled: true`
      // would add a notifications custom-resource Lambda for the same effect.
      cfn.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    }

    new CfnOutput(this, "DataBucketName", { value: this.dataBucket.bucketName });
    new CfnOutput(this, "ResultsBucketName", { value: this.resultsBucket.bucketName });
  }
}
