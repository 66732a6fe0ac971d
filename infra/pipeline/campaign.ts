import { type CfnResource, Duration, Validations } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import { INTERMEDIATE_PREFIX } from "../../functions/shared/layout.ts";
import type { ContainerJob } from "../compute-stack.ts";
import type { StageConfig } from "../config.ts";
import { bucketName, bucketNameForFindings } from "../names.ts";
import { acknowledgeBatchSubmit, createStateMachine, logicalIdOf, SyncBatchJob } from "./state-machine.ts";

/**
 * `campaign`: a Distributed Map over the scenarios listed in a JSON array in the data bucket
 * (`scenariosKey`, under campaigns/). Per scenario, one SEM Batch job (`submitJob.sync`, tagged
 * with the campaign and scenario for cost reports) that also integrates the Newmark rigid block
 * on every surface receiver for the campaign's critical accelerations (`sem.params.ac`, g,
 * written to peaks.json). Its StepResult is stored at a key the
 * map names, so the next construct (campaign aggregation, a later issue) can read it.
 * Input (functions/shared/machines.ts, campaignInputSchema):
 * { campaignId, scenariosKey, sem: { params: { ac: [g, ...], ... } } }
 * and each scenario item: { id, inputs: { model, dem }, params } (the sem step's event).
 */
export function createCampaign(scope: Construct, config: StageConfig, sem: ContainerJob): sfn.StateMachine {
  const dataBucket = s3.Bucket.fromBucketName(scope, "CampaignDataBucket", bucketName(config.stage, "data"));
  const resultsBucket = s3.Bucket.fromBucketName(
    scope,
    "CampaignResultsBucket",
    bucketName(config.stage, "results"),
  );

  const prepare = new sfn.Pass(scope, "PrepareSemJob", {
    parameters: {
      "inputs.$": "$.item.inputs",
      // Campaign-wide sem params (e.g. `ac`), overridden by the scenario's own.
      "params.$": "States.JsonMerge($.semParams, $.item.params, false)",
      "resultUri.$": `States.Format('s3://{}/${INTERMEDIATE_PREFIX}campaign/{}/{}/sem-result.json', $.resultsBucket, $.executionName, $.item.id)`,
    },
    resultPath: "$.job",
  });
  const semJob = new SyncBatchJob(scope, "RunSem", {
    jobName: "quakeslide-sem",
    jobQueueArn: sem.queue.jobQueueArn,
    jobDefinitionArn: sem.definition.jobDefinitionArn,
    containerOverrides: {
      environment: { QUAKESLIDE_JOB: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt("$.job")) },
    },
    tags: {
      "quakeslide:campaign": sfn.JsonPath.stringAt("$.campaignId"),
      "quakeslide:scenario": sfn.JsonPath.stringAt("$.item.id"),
    },
    resultPath: sfn.JsonPath.DISCARD,
    // Batch itself retries Spot reclamations (job definition); all attempts fit in this bound.
    stateTimeout: Duration.hours(24),
  });
  const scenarioResult = new sfn.Pass(scope, "ScenarioResult", {
    parameters: { "scenario.$": "$.item.id", "sem.$": "$.job.resultUri" },
  });

  const map = new sfn.DistributedMap(scope, "Scenarios", {
    itemReader: new sfn.S3JsonItemReader({
      bucket: dataBucket,
      key: sfn.JsonPath.stringAt("$.scenariosKey"),
    }),
    itemSelector: {
      "item.$": "$$.Map.Item.Value",
      "campaignId.$": "$.campaignId",
      "semParams.$": "$.sem.params",
      "executionName.$": "$$.Execution.Name",
      resultsBucket: resultsBucket.bucketName,
    },
    maxConcurrency: config.campaignMaxConcurrency,
    toleratedFailurePercentage: config.campaignToleratedFailurePercentage,
    resultWriterV2: new sfn.ResultWriterV2({
      bucket: resultsBucket,
      prefix: `${INTERMEDIATE_PREFIX}campaign-results/`,
    }),
    resultPath: "$.scenarios",
  });
  map.itemProcessor(prepare.next(semJob).next(scenarioResult));
  // Campaign aggregation (a later construct) follows the map here.
  const machine = createStateMachine(scope, "campaign", config.stage, map, Duration.days(7));
  acknowledgeBatchSubmit(machine);
  const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${logicalIdOf(machine.node.defaultChild as CfnResource)}"}]}]}`;
  for (const pattern of [`${executions}:*`, `${executions}/*:*`]) {
    Validations.of(machine).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${pattern}]`,
      reason:
        "The Distributed Map starts and stops child executions of this same machine; their names are generated.",
    });
  }
  for (const [role, why] of [
    ["data", "the item reader reads the scenario list whose key is execution input (campaigns/...)"],
    ["results", "the result writer writes the map's results under intermediate/campaign-results/"],
  ] as const) {
    Validations.of(machine).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucketNameForFindings(config.stage, role)}/*]`,
      reason: `CDK's Distributed Map grants object access bucket-wide: ${why}.`,
    });
  }
  return machine;
}
