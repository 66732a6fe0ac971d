import assert from "node:assert/strict";
import { test } from "node:test";
import { allStates, definitionOf, type Json, resourcesOfType, synthApp } from "./helpers.ts";
import { eventPatternMatches } from "./rules.ts";

// The event-update machine, the event rule and its intake Lambda, the publishers' grants, and
// retrain's scoring and publication: positive checks and, for each check, a case it must reject.
const built = synthApp();
const pipeline = built.template(built.pipeline);

const functions = resourcesOfType(pipeline, "AWS::Lambda::Function");
const policies = resourcesOfType(pipeline, "AWS::IAM::Policy");

function functionId(folder: string): string {
  const entry = Object.entries(functions).find(
    ([, fn]) =>
      ((fn.Properties as Json).Environment as { Variables: Json }).Variables.QUAKESLIDE_FUNCTION === folder,
  );
  assert.ok(entry, `a function for functions/${folder}`);
  return entry[0];
}

/** The statements of the policy attached to a function's role. */
function statementsOf(folder: string): Json[] {
  const role = JSON.stringify(
    ((functions[functionId(folder)].Properties as Json).Role as Json)["Fn::GetAtt"],
  );
  const policy = Object.values(policies).find((p) =>
    JSON.stringify((p.Properties as Json).Roles).includes(JSON.parse(role)[0]),
  );
  assert.ok(policy, `${folder} has a policy`);
  return ((policy.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement;
}

/** Object prefixes (bucket role, key prefix) a function may use `action` on. */
function prefixesFor(folder: string, action: string): string[] {
  return statementsOf(folder)
    .filter((s) => [s.Action].flat().includes(action))
    .flatMap((s) => [s.Resource].flat())
    .map((resource) => {
      const text = JSON.stringify(resource);
      const role = /quakeslide-(data|results)-/.exec(text)?.[1] ?? "?";
      // The object part is the last string of the ARN's Fn::Join: "/<prefix>/*".
      const key = /"\/((?:[a-z-]+\/)+)\*"/.exec(text)?.[1] ?? "?";
      return `${role}:${key}`;
    });
}

function machine(prefix: string): Json {
  const machines = resourcesOfType(pipeline, "AWS::StepFunctions::StateMachine");
  const entry = Object.entries(machines).find(([id]) => id.startsWith(prefix));
  assert.ok(entry, `${prefix} machine`);
  return definitionOf(entry[1]);
}

test("the event rule sends objects under events/ of the data bucket, and only those, to the intake Lambda", () => {
  const rules = Object.values(resourcesOfType(pipeline, "AWS::Events::Rule"));
  const rule = rules.find((r) => JSON.stringify((r.Properties as Json).EventPattern).includes('"events/"'));
  assert.ok(rule, "an events/ rule");
  const pattern = structuredClone((rule.Properties as Json).EventPattern as Json);
  ((pattern.detail as Json).bucket as Json).name = ["data-bucket"];
  const event = (key: string, detailType = "Object Created", bucket = "data-bucket") => ({
    source: "aws.s3",
    "detail-type": detailType,
    detail: { bucket: { name: bucket }, object: { key, size: 10 } },
  });
  assert.equal(eventPatternMatches(pattern, event("events/us7000abcd/event.json")), true);
  assert.equal(
    eventPatternMatches(pattern, event("events/us7000abcd/grid.xml")),
    true,
    "the intake ignores it",
  );
  assert.equal(
    eventPatternMatches(pattern, event("events-rejected/x/1/event.json")),
    false,
    "no loop on rejections",
  );
  assert.equal(eventPatternMatches(pattern, event("inventory/events/event.json")), false);
  assert.equal(eventPatternMatches(pattern, event("events/x/event.json", "Object Deleted")), false);
  assert.equal(
    eventPatternMatches(pattern, event("events/x/event.json", "Object Created", "results-bucket")),
    false,
  );
  const target = ((rule.Properties as Json).Targets as Json[])[0];
  assert.match(JSON.stringify(target.Arn), new RegExp(functionId("event-intake")));
  assert.ok(target.DeadLetterConfig, "undeliverable events go to the dead-letter queue");
  assert.match(JSON.stringify(target.InputTransformer), /detail\.object\.key/);
  // The inventory rule does not fire on event files (negative case for the pattern check).
  const inventory = rules.find((r) =>
    JSON.stringify((r.Properties as Json).EventPattern).includes('"inventory/"'),
  );
  assert.ok(inventory, "the inventory rule");
  const inventoryPattern = structuredClone((inventory.Properties as Json).EventPattern as Json);
  ((inventoryPattern.detail as Json).bucket as Json).name = ["data-bucket"];
  assert.equal(eventPatternMatches(inventoryPattern, event("events/x/event.json")), false);
});

test("the intake may start event-update and nothing else, write only events-rejected/ and delete only under events/", () => {
  const statements = statementsOf("event-intake");
  const starts = statements.filter((s) => [s.Action].flat().includes("states:StartExecution"));
  assert.equal(starts.length, 1);
  assert.match(JSON.stringify(starts[0].Resource), /EventUpdate/);
  assert.doesNotMatch(JSON.stringify(starts[0].Resource), /HazardPipeline|Retrain|Campaign|\*/);
  assert.deepEqual(prefixesFor("event-intake", "s3:PutObject").sort(), [
    "data:events-rejected/",
    "results:intermediate/",
  ]);
  assert.deepEqual(prefixesFor("event-intake", "s3:DeleteObject"), ["data:events/"]);
  const variables = (
    (functions[functionId("event-intake")].Properties as Json).Environment as { Variables: Json }
  ).Variables;
  assert.match(JSON.stringify(variables.EVENT_UPDATE_STATE_MACHINE_ARN), /EventUpdate/);
  // Negative case: a compute step cannot delete anything.
  assert.deepEqual(prefixesFor("terrain", "s3:DeleteObject"), []);
});

test("publishers write their product prefixes and no step's runs/ prefix", () => {
  assert.deepEqual(prefixesFor("publish", "s3:PutObject").sort(), [
    "results:events/",
    "results:hazard/",
    "results:intermediate/",
  ]);
  assert.deepEqual(prefixesFor("susceptibility-publish", "s3:PutObject").sort(), [
    "results:intermediate/",
    "results:susceptibility/",
  ]);
  assert.deepEqual(prefixesFor("susceptibility-current", "s3:PutObject"), ["results:intermediate/"]);
  for (const folder of ["publish", "susceptibility-publish", "event-intake", "susceptibility-current"]) {
    assert.ok(
      !prefixesFor(folder, "s3:PutObject").some((p) => p.startsWith("results:runs/")),
      `${folder} writes no runs/`,
    );
  }
  // Negative case: the check sees a compute step's own runs/ prefix.
  assert.ok(prefixesFor("ground-motion", "s3:PutObject").includes("results:runs/ground-motion/"));
});

test("event-update is the hazard chain (same states) ending in Publish; hazard-pipeline too", () => {
  const names = (definition: Json) =>
    allStates(definition)
      .map(([name]) => name)
      .sort();
  const hazard = machine("HazardPipeline");
  const event = machine("EventUpdate");
  assert.deepEqual(names(event), names(hazard));
  for (const state of [
    "GroundMotion",
    "Stability",
    "NewmarkFromGroundMotion",
    "Hazard",
    "Publish",
    "TrainSusceptibility",
  ])
    assert.ok(names(hazard).includes(state), state);
  const states = hazard.States as Record<string, Json>;
  assert.equal(
    (states.Publish as Json).End,
    true,
    "Publish is the last state: the manifest is the commit point",
  );
  assert.equal((states.Hazard as Json).Next, "Publish");
  // Every failure of a user's input goes to the Fail state with the error's cause, not a retry loop.
  const caught = allStates(hazard).filter(([, s]) => JSON.stringify(s.Catch ?? []).includes("InputError"));
  assert.ok(caught.length >= 5);
  // Negative case: the campaign machine is no hazard chain.
  assert.ok(!names(machine("Campaign")).includes("Publish"));
});

test("retrain scores the published model first and publishes a susceptibility version last", () => {
  const retrain = machine("Retrain");
  assert.equal(retrain.StartAt, "CurrentModel");
  const states = retrain.States as Record<string, Json>;
  assert.ok(
    JSON.stringify(states.ScoreCurrentModel.Catch).includes("InventorySize"),
    "a model that cannot score does not stop retraining",
  );
  assert.equal((states.PredictSusceptibility as Json).Next, "PublishSusceptibility");
  assert.equal((states.PublishSusceptibility as Json).Next, "RetrainSummary");
});
