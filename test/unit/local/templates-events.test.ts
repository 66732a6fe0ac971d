import assert from "node:assert/strict";
import { test } from "node:test";
import { buildAppModel } from "../../../local/app-model.ts";
import { prepareDefinition } from "../../../local/asl.ts";
import { matchesPattern, targetInput } from "../../../local/events.ts";
import {
  type CfnTemplate,
  ResourceIdentities,
  resolveIntrinsics,
  type StackTemplates,
} from "../../../local/templates.ts";

// Two hand-written templates in the shape `cdk synth` writes (a cross-stack export/import, names
// built from pseudo parameters), so these tests need no CDK synthesis and run in milliseconds.
const templates: StackTemplates = new Map<string, CfnTemplate>([
  [
    "storage",
    {
      Resources: {
        DataBucketE3889A50: {
          Type: "AWS::S3::Bucket",
          Properties: { BucketName: { "Fn::Join": ["", ["dev-data-", { Ref: "AWS::AccountId" }]] } },
        },
        ScratchBucket0123ABCD: { Type: "AWS::S3::Bucket" },
      },
      Outputs: {
        Out: { Value: { Ref: "DataBucketE3889A50" }, Export: { Name: "storage:DataBucketName" } },
      },
    },
  ],
  [
    "pipeline",
    {
      Resources: {
        TerrainFn11112222: {
          Type: "AWS::Lambda::Function",
          Properties: {
            Timeout: 60,
            Environment: {
              Variables: {
                QUAKESLIDE_FUNCTION: "terrain",
                DATA_BUCKET: { "Fn::ImportValue": "storage:DataBucketName" },
              },
            },
          },
        },
        Machine33334444: {
          Type: "AWS::StepFunctions::StateMachine",
          Properties: {
            StateMachineName: "dev-hazard-pipeline",
            DefinitionString: {
              "Fn::Join": [
                "",
                [
                  '{"StartAt":"T","States":{"T":{"Type":"Task","End":true,"Resource":"arn:',
                  { Ref: "AWS::Partition" },
                  ':states:::lambda:invoke","Parameters":{"FunctionName":"',
                  { "Fn::GetAtt": ["TerrainFn11112222", "Arn"] },
                  '","Bucket":"',
                  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
                  { "Fn::Sub": "${AWS::Region}-${TerrainFn11112222.Arn}" },
                  '"}}}}',
                ],
              ],
            },
          },
        },
      },
    },
  ],
]);

test("intrinsics resolve against the whole app: Join, Ref, GetAtt, Sub, ImportValue", () => {
  const model = buildAppModel(templates, "eu-west-1");
  const [machine] = model.stateMachines;
  assert.equal(machine.name, "dev-hazard-pipeline");
  assert.equal(machine.arn, "arn:aws:states:eu-west-1:000000000000:stateMachine:dev-hazard-pipeline");
  const task = (
    machine.definition.States as Record<string, { Resource: string; Parameters: Record<string, string> }>
  ).T;
  assert.equal(task.Resource, "arn:aws:states:::lambda:invoke");
  const functionArn = "arn:aws:lambda:eu-west-1:000000000000:function:pipeline-TerrainFn";
  assert.equal(task.Parameters.FunctionName, functionArn);
  assert.equal(task.Parameters.Bucket, `eu-west-1-${functionArn}`);
  assert.equal(
    model.functions[0].environment.DATA_BUCKET,
    "dev-data-000000000000",
    "ImportValue of a Join name",
  );
  assert.equal(model.functions[0].timeoutSeconds, 60);
  assert.deepEqual(
    model.buckets.map((b) => [b.id, b.name]),
    [
      ["DataBucket", "dev-data-000000000000"],
      ["ScratchBucket", "storage-scratchbucket"],
    ],
  );
});

test("an import nobody exports is an error that names it", () => {
  const ids = new ResourceIdentities(templates, "us-east-1");
  assert.throws(() => resolveIntrinsics({ "Fn::ImportValue": "nope" }, "pipeline", ids), /exports "nope"/);
});

test("prepareDefinition gives Tasks AWS's 'no timeout' and turns Distributed Maps into Tasks", () => {
  const prepared = prepareDefinition({
    StartAt: "M",
    States: {
      M: {
        Type: "Map",
        ItemReader: {
          Resource: "arn:aws:states:::s3:getObject",
          Parameters: { Bucket: "b", "Key.$": "$.key" },
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: "DISTRIBUTED" },
          StartAt: "X",
          States: { X: { Type: "Pass", End: true } },
        },
        ResultPath: "$.out",
        Catch: [{ ErrorEquals: ["States.ALL"], Next: "T" }],
        Next: "T",
      },
      T: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:0:function:f", ResultPath: "$", End: true },
    },
  }) as { States: Record<string, Record<string, unknown>> };
  assert.ok(!("ResultPath" in prepared.States.T), 'ResultPath "$" (replace the input) becomes the default');
  assert.equal(prepared.States.T.TimeoutSeconds, 2147483, "(2^31 - 1) ms, the longest Node timer");
  assert.equal(prepared.States.M.Type, "Task");
  assert.equal(prepared.States.M.ResultPath, "$.out");
  assert.equal(prepared.States.M.Next, "T");
  assert.deepEqual(prepared.States.M.Parameters, {
    "Input.$": "$",
    ReaderParameters: { Bucket: "b", "Key.$": "$.key" },
  });
});

const event = {
  source: "aws.s3",
  "detail-type": "Object Created",
  detail: { bucket: { name: "data" }, object: { key: "inventory/a b.csv", size: 12 } },
};

test("EventBridge patterns: literals, prefix, suffix, anything-but, exists, nesting", () => {
  const base = { source: ["aws.s3"], "detail-type": ["Object Created"] };
  assert.ok(matchesPattern({ ...base, detail: { object: { key: [{ prefix: "inventory/" }] } } }, event));
  assert.ok(!matchesPattern({ ...base, detail: { object: { key: [{ prefix: "events/" }] } } }, event));
  assert.ok(matchesPattern({ detail: { object: { key: [{ suffix: ".csv" }] } } }, event));
  assert.ok(!matchesPattern({ detail: { bucket: { name: [{ "anything-but": ["data"] }] } } }, event));
  assert.ok(matchesPattern({ detail: { object: { etag: [{ exists: false }] } } }, event));
  assert.ok(!matchesPattern({ source: ["aws.ec2"] }, event));
});

test("input transformer: placeholders inside strings are text, outside they are JSON values", () => {
  const input = targetInput(
    {
      arn: "x",
      inputTransformer: {
        InputPathsMap: {
          key: "$.detail.object.key",
          size: "$.detail.object.size",
          bucket: "$.detail.bucket.name",
        },
        InputTemplate: '{"uri":"s3://<bucket>/<key>","size":<size>,"key":<key>,"literal":"a<b"}',
      },
    },
    event,
  );
  assert.deepEqual(input, {
    uri: "s3://data/inventory/a b.csv",
    size: 12,
    key: "inventory/a b.csv",
    literal: "a<b",
  });
  assert.deepEqual(targetInput({ arn: "x", input: '{"fixed":1}' }, event), { fixed: 1 });
  assert.deepEqual(targetInput({ arn: "x", inputPath: "$.detail.bucket" }, event), { name: "data" });
});
