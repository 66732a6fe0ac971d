import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { buildAppModel } from "../../local/app-model.ts";
import { synthesizeTemplates } from "../../local/templates.ts";

// This machine (and CI) has no Docker, so LocalStack itself cannot run here. What can be checked:
// the compose file is valid YAML with the services the app needs, the deploy script is valid
// bash, and the app synthesized for the `local` stage points its Lambdas and jobs at LocalStack.

const repositoryRoot = join(import.meta.dirname, "..", "..");
const LOCALSTACK = "http://localhost.localstack.cloud:4566";

test("docker-compose.localstack.yml parses and runs LocalStack with the services the app uses", (t) => {
  const python = spawnSync(
    "/usr/bin/python3",
    [
      "-c",
      "import yaml, json, sys; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
      join(repositoryRoot, "docker-compose.localstack.yml"),
    ],
    { encoding: "utf8" },
  );
  if (python.status !== 0 && /No module named|ENOENT/.test(`${python.stderr}${python.error ?? ""}`)) {
    t.skip("python3 with PyYAML is not installed");
    return;
  }
  assert.equal(python.status, 0, python.stderr);
  const compose = JSON.parse(python.stdout) as {
    services: { localstack: { image: string; ports: string[]; environment: Record<string, string> } };
  };
  const { localstack } = compose.services;
  assert.match(localstack.image, /^localstack\/localstack:/);
  assert.ok(localstack.ports.some((p) => p.endsWith(":4566")));
  const services = localstack.environment.SERVICES.split(",");
  for (const service of ["s3", "lambda", "stepfunctions", "events", "cloudformation"]) {
    assert.ok(services.includes(service), `SERVICES lists ${service}`);
  }
});

test("local/deploy-localstack.sh is valid bash and deploys stage local", () => {
  const script = join(repositoryRoot, "local", "deploy-localstack.sh");
  assert.equal(spawnSync("bash", ["-n", script]).status, 0);
  assert.match(
    readFileSync(script, "utf8"),
    /deploy --all --require-approval never -c quakeslide:stage=local/,
  );
});

test("the app synthesized for stage local points Lambdas and Batch jobs at LocalStack", async () => {
  const appFile = join(repositoryRoot, "infra", "app.ts");
  const { createApp } = (await import(appFile)) as typeof import("../../infra/app.ts");
  const cdkJson = JSON.parse(readFileSync(join(repositoryRoot, "cdk.json"), "utf8")) as { context: object };
  const { app } = createApp({
    context: { ...cdkJson.context, "quakeslide:stage": "local", "aws:cdk:bundling-stacks": [] },
  });
  const model = buildAppModel(synthesizeTemplates(app), "us-east-1");
  assert.ok(model.functions.length > 0 && model.jobDefinitions.length > 0);
  for (const fn of model.functions) assert.equal(fn.environment.AWS_ENDPOINT_URL, LOCALSTACK, fn.name);
  for (const job of model.jobDefinitions)
    assert.equal(job.environment.AWS_ENDPOINT_URL, LOCALSTACK, job.name);
});
