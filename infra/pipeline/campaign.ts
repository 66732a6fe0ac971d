import { type CfnResource, Duration, Validations } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import { CAMPAIGN_JOB_RESULTS_PREFIX, INTERMEDIATE_PREFIX } from "../../functions/shared/layout.ts";
import type { ContainerJob } from "../compute-stack.ts";
import type { StageConfig } from "../config.ts";
import { bucketName, bucketNameForFindings } from "../names.ts";
import {
  acknowledgeBatchSubmit,
  acknowledgeInvokeQualifiers,
  createStateMachine,
  failOnInputError,
  invokeStep,
  logicalIdOf,
  SyncBatchJob,
} from "./state-machine.ts";
import type { StepLambda } from "./step-lambda.ts";

/**
 * `campaign`: a Distributed Map over the jobs listed in a JSON array in the data bucket
 * (`itemsKey`, under campaigns/; `quakeslide campaign` writes it). Per job, one `sem` Batch job
 * (`submitJob.sync`, step `campaign-sem`: a scenario on a profile, then the Newmark coupling of
 * the profile's cells), named after the job and tagged with the campaign and scenario for cost
 * reports; it writes its result record to a key derived from the campaign and the job id, which
 * is how a resumed campaign knows what is done. Then `campaign-aggregate` reads every job's
 * result through the campaign index (`index`) and writes the maps, the study and the report; a
 * missing result ends the execution with a NotFoundError that names the jobs and why they failed.
 * Input (functions/shared/machines.ts, campaignInputSchema):
 * { campaignId, itemsKey, index, job: { params: { sem, studyAc, seismograms } } }
 * and each item: { id, inputs: { profile }, params: { scenario, job } }.
 */
export function createCampaign(
  scope: Construct,
  config: StageConfig,
  sem: ContainerJob,
  aggregateStep: StepLambda,
): sfn.StateMachine {
  const dataBucket = s3.Bucket.fromBucketName(scope, "CampaignDataBucket", bucketName(config.stage, "data"));
  const resultsBucket = s3.Bucket.fromBucketName(
    scope,
    "CampaignResultsBucket",
    bucketName(config.stage, "results"),
  );

  const prepare = new sfn.Pass(scope, "PrepareSemJob", {
    parameters: {
      "inputs.$": "$.item.inputs",
      // Campaign-wide options, then the job's own (scenario, job id).
      "params.$": "States.JsonMerge($.jobParams, $.item.params, false)",
      "resultUri.$": `States.Format('s3://{}/${CAMPAIGN_JOB_RESULTS_PREFIX}{}/{}.json', $.resultsBucket, $.campaignId, $.item.id)`,
    },
    resultPath: "$.job",
  });
  const semJob = new SyncBatchJob(scope, "RunSem", {
    jobName: sfn.JsonPath.stringAt("$.item.id"),
    jobQueueArn: sem.queue.jobQueueArn,
    jobDefinitionArn: sem.definition.jobDefinitionArn,
    containerOverrides: {
      environment: {
        QUAKESLIDE_JOB: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt("$.job")),
        QUAKESLIDE_STEP: "campaign-sem",
      },
    },
    tags: {
      "quakeslide:campaign": sfn.JsonPath.stringAt("$.campaignId"),
      "quakeslide:scenario": sfn.JsonPath.stringAt("$.item.params.scenario.id"),
    },
    resultPath: sfn.JsonPath.DISCARD,
    // Batch itself retries Spot reclamations (job definition); all attempts fit in this bound.
    stateTimeout: Duration.hours(24),
  });
  const jobResult = new sfn.Pass(scope, "JobResult", {
    parameters: { "job.$": "$.item.id", "result.$": "$.job.resultUri" },
  });

  const map = new sfn.DistributedMap(scope, "Jobs", {
    itemReader: new sfn.S3JsonItemReader({
      bucket: dataBucket,
      key: sfn.JsonPath.stringAt("$.itemsKey"),
    }),
    itemSelector: {
      "item.$": "$$.Map.Item.Value",
      "campaignId.$": "$.campaignId",
      "jobParams.$": "$.job.params",
      resultsBucket: resultsBucket.bucketName,
    },
    maxConcurrency: config.campaignMaxConcurrency,
    toleratedFailurePercentage: config.campaignToleratedFailurePercentage,
    resultWriterV2: new sfn.ResultWriterV2({
      bucket: resultsBucket,
      prefix: `${INTERMEDIATE_PREFIX}campaign-results/`,
    }),
    resultPath: "$.jobs",
  });
  map.itemProcessor(prepare.next(semJob).next(jobResult));

  const aggregate = invokeStep(
    scope,
    "Aggregate",
    aggregateStep,
    {
      inputs: { "index.$": "$.index" },
      params: { mapResults: sfn.JsonPath.objectAt("$.jobs.ResultWriterDetails") },
    },
    "$.aggregate",
  );
  failOnInputError(
    aggregate,
    new sfn.Fail(scope, "CampaignIncomplete", { errorPath: "$.error.Error", causePath: "$.error.Cause" }),
  );
  const summary = new sfn.Pass(scope, "CampaignSummary", {
    parameters: { "campaign.$": "$.campaignId", "aggregate.$": "$.aggregate" },
  });

  const machine = createStateMachine(
    scope,
    "campaign",
    config.stage,
    map.next(aggregate).next(summary),
    Duration.days(7),
  );
  acknowledgeBatchSubmit(machine);
  acknowledgeInvokeQualifiers(machine, [aggregateStep]);
  const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${logicalIdOf(machine.node.defaultChild as CfnResource)}"}]}]}`;
  for (const pattern of [`${executions}:*`, `${executions}/*:*`]) {
    Validations.of(machine).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${pattern}]`,
      reason:
        "The Distributed Map starts and stops child executions of this same machine; their names are generated.",
    });
  }
  for (const [role, why] of [
    ["data", "the item reader reads the job list whose key is execution input (campaigns/...)"],
    ["results", "the result writer writes the map's results under intermediate/campaign-results/"],
  ] as const) {
    Validations.of(machine).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucketNameForFindings(config.stage, role)}/*]`,
      reason: `CDK's Distributed Map grants object access bucket-wide: ${why}.`,
    });
  }
  return machine;
}
