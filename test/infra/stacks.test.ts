import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { App, Size, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as batch from "aws-cdk-lib/aws-batch";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as iam from "aws-cdk-lib/aws-iam";
import * as s3 from "aws-cdk-lib/aws-s3";
import { createApp } from "../../infra/app.ts";
import { allStates, definitionOf, type Json, resourcesOfType, synthApp } from "./helpers.ts";
import {
  ACTIONS_WITHOUT_RESOURCE_LEVEL,
  bucketDeniesInsecureTransport,
  eventPatternMatches,
  gpuCount,
  wildcardResourceStatements,
} from "./rules.ts";

// One synthesis for the whole file (seconds, ~450 MB); cdk-nag runs inside it and throws on any
// unacknowledged finding, so reaching the tests at all means the AWS Solutions checks passed.
const built = synthApp();
const storage = built.template(built.storage);
const compute = built.template(built.compute);
const pipeline = built.template(built.pipeline);
const templates = { storage, compute, pipeline };

/** A scratch stack without cdk-nag, for the negative cases of the checks. */
function scratch(build: (stack: Stack) => void): Template {
  const stack = new Stack(new App(), "Scratch");
  build(stack);
  return Template.fromStack(stack);
}

test("synthesis reports no unacknowledged finding from any validation plugin", () => {
  // app.synth() throws on a finding; the report it leaves must agree.
  const report = JSON.parse(readFileSync(`${built.outdir}/validation-report.json`, "utf8")) as {
    pluginReports: { pluginName: string; conclusion: string; violations: unknown[] }[];
  };
  for (const plugin of report.pluginReports) {
    assert.deepEqual([plugin.conclusion, plugin.violations.length], ["success", 0], plugin.pluginName);
  }
});

test("cdk-nag is attached: an unencrypted, non-TLS bucket added to the app fails synthesis (negative case)", () => {
  const outdir = mkdtempSync(join(tmpdir(), "quakeslide-cdk-bad-"));
  const bad = createApp({ context: { "aws:cdk:bundling-stacks": [] }, outdir });
  new s3.Bucket(bad.storage, "CarelessBucket", { enforceSSL: false });
  assert.throws(() => bad.app.synth(), /Validation failed/);
  const report = readFileSync(`${outdir}/validation-report.json`, "utf8");
  assert.match(report, /AwsSolutions-S10/, "the non-TLS finding is reported");
  assert.match(report, /CarelessBucket/);
});

test("every acknowledged finding carries a reason a reviewer can read", () => {
  const acknowledgements: [string, string][] = [];
  for (const construct of built.app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== "aws:cdk:acknowledged-rules") continue;
      // Keys are "<source>::<rule id>"; cdk-nag's come as "Annotation::AwsSolutions-…".
      for (const [key, reason] of Object.entries(entry.data as Record<string, string>)) {
        acknowledgements.push([key.replace(/^[A-Za-z-]+::/, ""), reason]);
      }
    }
  }
  const nag = acknowledgements.filter(([id]) => id.startsWith("AwsSolutions-"));
  assert.ok(nag.length >= 10, "the IAM5 prefixes and service-imposed wildcards are acknowledged one by one");
  // 40 characters is about the shortest sentence that says why; none is a placeholder.
  for (const [id, reason] of nag) assert.ok(reason.length >= 40, `${id}: reason too short: "${reason}"`);
  // No blanket IAM5: each wildcard is acknowledged by its exact finding id.
  assert.ok(!nag.some(([id]) => id === "AwsSolutions-IAM5"), "no unqualified IAM5 acknowledgement");
});

test("DataBucket and ResultsBucket keep their logical ids, deny non-TLS requests, block public access", () => {
  for (const id of ["DataBucket", "ResultsBucket"]) {
    storage.hasResource("AWS::S3::Bucket", Match.objectLike({ Properties: Match.anyValue() }));
    const bucket = storage.toJSON().Resources[id] as Json;
    assert.ok(bucket, `${id} exists`);
    const properties = bucket.Properties as Json;
    assert.deepEqual(properties.PublicAccessBlockConfiguration, {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    assert.ok(properties.BucketEncryption, `${id} is encrypted`);
    assert.ok(properties.LoggingConfiguration, `${id} logs access`);
    assert.deepEqual(properties.NotificationConfiguration, {
      EventBridgeConfiguration: { EventBridgeEnabled: true },
    });
    assert.equal(bucketDeniesInsecureTransport(storage, id), true, `${id} denies non-TLS`);
  }
});

test("the TLS check fails on a bucket without enforceSSL (negative case)", () => {
  const template = scratch((stack) => {
    const bucket = new s3.Bucket(stack, "Plain", { enforceSSL: false });
    (bucket.node.defaultChild as s3.CfnBucket).overrideLogicalId("Plain");
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ["s3:GetObject"],
        principals: [new iam.AnyPrincipal()],
        resources: [bucket.arnForObjects("*")],
      }),
    );
  });
  assert.equal(bucketDeniesInsecureTransport(template, "Plain"), false);
});

test("results are versioned and intermediates expire by lifecycle rule", () => {
  const results = storage.toJSON().Resources.ResultsBucket.Properties as Json;
  assert.deepEqual(results.VersioningConfiguration, { Status: "Enabled" });
  const rules = (results.LifecycleConfiguration as { Rules: Json[] }).Rules;
  const intermediate = rules.find((rule) => rule.Prefix === "intermediate/");
  assert.ok(
    intermediate && typeof intermediate.ExpirationInDays === "number" && intermediate.Status === "Enabled",
  );
});

test("no IAM statement allows Resource '*' except for actions that have no resource-level permissions", () => {
  for (const [name, template] of Object.entries(templates)) {
    for (const { policy, actions } of wildcardResourceStatements(template)) {
      const scoped = actions.filter((action) => !ACTIONS_WITHOUT_RESOURCE_LEVEL.has(action));
      assert.deepEqual(scoped, [], `${name}/${policy} grants ${scoped.join(", ")} on *`);
    }
  }
});

test("the wildcard check catches s3:GetObject on '*' (negative case)", () => {
  const template = scratch((stack) => {
    const role = new iam.Role(stack, "Role", { assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com") });
    role.addToPolicy(new iam.PolicyStatement({ actions: ["s3:GetObject"], resources: ["*"] }));
  });
  const found = wildcardResourceStatements(template).flatMap((s) => s.actions);
  assert.deepEqual(found, ["s3:GetObject"]);
});

test("Lambdas: one per light step, Node 22 on arm64, X-Ray, QUAKESLIDE_FUNCTION naming an existing handler", () => {
  const functions = Object.values(resourcesOfType(pipeline, "AWS::Lambda::Function"));
  const names = functions.map(
    (fn) => ((fn.Properties as Json).Environment as { Variables: Json }).Variables.QUAKESLIDE_FUNCTION,
  );
  assert.deepEqual([...names].sort(), [
    "campaign-aggregate",
    "event-intake",
    "ground-motion",
    "hazard",
    "krige",
    "newmark-map",
    "publish",
    "stability",
    "susceptibility-current",
    "susceptibility-evaluate",
    "susceptibility-predict",
    "susceptibility-publish",
    "susceptibility-train",
    "terrain",
  ]);
  for (const fn of functions) {
    const properties = fn.Properties as Json;
    assert.equal(properties.Runtime, "nodejs22.x");
    assert.deepEqual(properties.Architectures, ["arm64"]);
    assert.deepEqual(properties.TracingConfig, { Mode: "Active" });
    const folder = (properties.Environment as { Variables: Json }).Variables.QUAKESLIDE_FUNCTION;
    assert.ok(existsSync(`functions/${folder}/handler.ts`), `functions/${folder}/handler.ts exists`);
  }
});

test("each step Lambda may write only under its own runs/<step>/ prefix", () => {
  for (const [id, policy] of Object.entries(resourcesOfType(pipeline, "AWS::IAM::Policy"))) {
    const statements = ((policy.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement;
    const puts = statements.filter((s) => [s.Action].flat().includes("s3:PutObject"));
    if (!id.includes("StepFunction")) continue;
    const resources = JSON.stringify(puts.map((s) => s.Resource));
    const runPrefixes = [...resources.matchAll(/\/runs\/([a-z-]+)\/\*/g)].map((m) => m[1]);
    assert.equal(
      new Set(runPrefixes).size,
      1,
      `${id} writes under one runs/ prefix: ${runPrefixes.join(", ")}`,
    );
    assert.ok(!/\/runs\/\*/.test(resources), `${id} cannot write all of runs/`);
  }
});

test("state machines hazard-pipeline, campaign, retrain: logging ALL, X-Ray, every Task has TimeoutSeconds", () => {
  const machines = resourcesOfType(pipeline, "AWS::StepFunctions::StateMachine");
  const names = Object.values(machines).map((m) => JSON.stringify((m.Properties as Json).StateMachineName));
  for (const name of ["hazard-pipeline", "campaign", "retrain"]) {
    assert.ok(
      names.some((n) => n.includes(`-quakeslide-${name}`)),
      `${name} exists`,
    );
  }
  for (const [id, machine] of Object.entries(machines)) {
    const properties = machine.Properties as Json;
    assert.equal((properties.LoggingConfiguration as Json).Level, "ALL", id);
    assert.deepEqual(properties.TracingConfiguration, { Enabled: true }, id);
    for (const [name, state] of allStates(definitionOf(machine))) {
      if (state.Type === "Task")
        assert.ok(Number(state.TimeoutSeconds) > 0, `${id}/${name} has TimeoutSeconds`);
    }
  }
});

function machineNamed(name: string): Json {
  const machines = resourcesOfType(pipeline, "AWS::StepFunctions::StateMachine");
  const entry = Object.entries(machines).find(([id]) => id.startsWith(name));
  assert.ok(entry, `${name} machine`);
  return definitionOf(entry[1]);
}

test("campaign: a Distributed Map over an S3 item reader, bounded, tolerating some failures, with a Batch .sync SEM task that retries, then the aggregation", () => {
  const definition = machineNamed("Campaign");
  const maps = allStates(definition).filter(([, s]) => s.Type === "Map");
  assert.equal(maps.length, 1);
  const [, map] = maps[0];
  assert.equal(((map.ItemProcessor as Json).ProcessorConfig as Json).Mode, "DISTRIBUTED");
  assert.match(String((map.ItemReader as Json).Resource), /:states:::s3:getObject$/);
  assert.ok(Number(map.MaxConcurrency) > 0);
  assert.ok(Number(map.ToleratedFailurePercentage) > 0 && Number(map.ToleratedFailurePercentage) < 100);
  const batchTasks = allStates(map.ItemProcessor as Json).filter(([, s]) =>
    String(s.Resource).endsWith(":states:::batch:submitJob.sync"),
  );
  assert.equal(batchTasks.length, 1);
  const [, sem] = batchTasks[0];
  const retries = sem.Retry as Json[];
  assert.ok(retries.some((r) => (r.ErrorEquals as string[]).some((e) => e.startsWith("Batch."))));
  // Throttled submits back off with full jitter, bounded, before the slower service-error retrier.
  const throttle = retries.find((r) =>
    (r.ErrorEquals as string[]).includes("Batch.TooManyRequestsException"),
  );
  assert.ok(throttle, "SubmitJob throttling is retried");
  assert.equal(throttle.JitterStrategy, "FULL");
  assert.ok(Number(throttle.MaxDelaySeconds) > 0 && Number(throttle.BackoffRate) > 1);
  assert.equal(retries.indexOf(throttle), 0, "the throttling retrier comes first");
  const parameters = JSON.stringify(sem.Parameters);
  assert.ok(parameters.includes("quakeslide:campaign"), "jobs are tagged with the campaign");
  assert.ok(parameters.includes("campaign-sem"), "the job runs the campaign-sem step");
  assert.equal(
    (sem.Parameters as Json)["JobName.$"],
    "$.item.id",
    "the Batch job is named after the campaign job",
  );
  // After the map: the aggregation Lambda, whose user errors (an incomplete campaign) end the run.
  const aggregate = allStates(definition).find(([name]) => name === "Aggregate")?.[1];
  assert.ok(aggregate, "an Aggregate state follows the map");
  // The Lambda's payload (payloadResponseOnly: the state's Parameters are the payload).
  const payload = aggregate.Parameters as Json;
  assert.equal((payload.inputs as Json)["index.$"], "$.index", "the aggregation reads the campaign index");
  assert.equal(
    (payload.params as Json)["mapResults.$"],
    "$.jobs.ResultWriterDetails",
    "and the map's results",
  );
  assert.ok((aggregate.Catch as Json[]).some((c) => (c.ErrorEquals as string[]).includes("NotFoundError")));
});

test("campaign check fails on a machine without a Distributed Map (negative case)", () => {
  const retrain = machineNamed("Retrain");
  assert.equal(allStates(retrain).filter(([, s]) => s.Type === "Map").length, 0);
});

test("the inventory rule matches exactly objects created under inventory/ in the data bucket", () => {
  const rules = Object.values(resourcesOfType(pipeline, "AWS::Events::Rule")).filter((r) =>
    JSON.stringify((r.Properties as Json).EventPattern).includes('"inventory/"'),
  );
  assert.equal(rules.length, 1);
  const pattern = structuredClone((rules[0].Properties as Json).EventPattern as Json);
  // The bucket name is a token (account, region): match against the placeholder instead.
  ((pattern.detail as Json).bucket as Json).name = ["data-bucket"];
  const event = (key: string, detailType = "Object Created", bucket = "data-bucket") => ({
    source: "aws.s3",
    "detail-type": detailType,
    detail: { bucket: { name: bucket }, object: { key, size: 10 } },
  });
  assert.equal(eventPatternMatches(pattern, event("inventory/ecuador.csv")), true);
  assert.equal(eventPatternMatches(pattern, event("inventory/2026/area.csv")), true);
  assert.equal(eventPatternMatches(pattern, event("dem/inventory/x.csv")), false);
  assert.equal(eventPatternMatches(pattern, event("inventoryx.csv")), false);
  assert.equal(eventPatternMatches(pattern, event("inventory/x.csv", "Object Deleted")), false);
  assert.equal(
    eventPatternMatches(pattern, event("inventory/x.csv", "Object Created", "results-bucket")),
    false,
  );
  const target = ((rules[0].Properties as Json).Targets as Json[])[0];
  assert.ok(target.DeadLetterConfig, "failed deliveries go to a dead-letter queue");
});

test("Batch: the train job asks for a GPU on the GPU queue, sem does not; both retry host failures only", () => {
  const definitions = resourcesOfType(compute, "AWS::Batch::JobDefinition");
  const byContainer = (name: string) =>
    Object.values(definitions).find((d) =>
      ((((d.Properties as Json).ContainerProperties as Json).Environment as Json[]) ?? []).some(
        (e) => e.Name === "QUAKESLIDE_CONTAINER" && e.Value === name,
      ),
    )!;
  assert.equal(gpuCount(byContainer("train")), 1);
  assert.equal(gpuCount(byContainer("sem")), 0);
  for (const name of ["sem", "train"]) {
    assert.ok(existsSync(`containers/${name}/entrypoint.ts`), `containers/${name}/entrypoint.ts exists`);
    assert.ok(existsSync(`containers/${name}/Dockerfile`), `containers/${name}/Dockerfile exists`);
    const properties = byContainer(name).Properties as Json;
    const evaluate = (properties.RetryStrategy as { EvaluateOnExit: Json[] }).EvaluateOnExit;
    assert.deepEqual(evaluate[0], { Action: "RETRY", OnStatusReason: "Host EC2*" });
    assert.deepEqual(evaluate.at(-1), { Action: "EXIT", OnReason: "*" });
    assert.ok(Number((properties.Timeout as Json).AttemptDurationSeconds) > 0);
    assert.equal(properties.PropagateTags, true);
  }
  const gpuEnvironment = Object.values(resourcesOfType(compute, "AWS::Batch::ComputeEnvironment")).find((e) =>
    JSON.stringify(e).includes("ECS_AL2_NVIDIA"),
  );
  assert.ok(gpuEnvironment, "a compute environment with the ECS GPU AMI");
  assert.match(JSON.stringify(gpuEnvironment), /g[56]\./);
});

test("the GPU check reads 0 for a job definition without a GPU requirement (negative case)", () => {
  const template = scratch((stack) => {
    new batch.EcsJobDefinition(stack, "Cpu", {
      container: new batch.EcsEc2ContainerDefinition(stack, "Container", {
        image: ecs.ContainerImage.fromRegistry("public.ecr.aws/docker/library/busybox:latest"),
        cpu: 1,
        memory: Size.mebibytes(512),
      }),
    });
  });
  const [definition] = Object.values(resourcesOfType(template, "AWS::Batch::JobDefinition"));
  assert.equal(gpuCount(definition), 0);
});

test("CPU queue tries Spot before on-demand; the VPC has no NAT gateway", () => {
  const queues = Object.values(resourcesOfType(compute, "AWS::Batch::JobQueue"));
  const cpu = queues.find((q) => ((q.Properties as Json).ComputeEnvironmentOrder as Json[]).length === 2)!;
  const order = ((cpu.Properties as Json).ComputeEnvironmentOrder as Json[]).map((o) =>
    JSON.stringify(o.ComputeEnvironment),
  );
  const environments = resourcesOfType(compute, "AWS::Batch::ComputeEnvironment");
  const typeOf = (ref: string) => {
    const id = Object.keys(environments).find((k) => ref.includes(k))!;
    return ((environments[id].Properties as Json).ComputeResources as Json).Type;
  };
  assert.deepEqual(order.map(typeOf), ["SPOT", "EC2"]);
  assert.equal(Object.keys(resourcesOfType(compute, "AWS::EC2::NatGateway")).length, 0);
  assert.ok(Object.keys(resourcesOfType(compute, "AWS::EC2::VPCEndpoint")).length >= 5);
});

test("templates are environment-agnostic: no account id, region or ARN written out", () => {
  for (const [name, template] of Object.entries(templates)) {
    const text = JSON.stringify(template.toJSON());
    assert.doesNotMatch(text, /\b\d{12}\b/, `${name} holds an account id`);
    assert.doesNotMatch(
      text,
      /\b(us|eu|ap|sa|ca|me|af)-(east|west|north|south|central|southeast|northeast)-\d\b/,
      `${name} names a region`,
    );
    assert.doesNotMatch(text, /"arn:aws:/, `${name} holds a literal ARN`);
  }
  assert.deepEqual(JSON.parse(readFileSync("cdk.json", "utf8")).app, "npx tsx infra/bin.ts");
});
