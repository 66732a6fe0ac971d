import { resolve } from "node:path";
import { type Command, numberOption, parseOptions } from "../command.ts";

const help = `Usage: quakeslide up [options]

Starts the embedded local runtime and keeps it running until Ctrl-C (SIGINT) or SIGTERM: a local
S3 server holding the app's buckets; the app's state machines (synthesized from infra/app.ts
with cdk.json's context and stage "local", or read from --assembly) run by a local interpreter,
with the Lambda handlers in this process and the Batch container entrypoints as child
processes; the EventBridge rules (an object written under inventory/ starts its flow); and a
Step Functions/Lambda-compatible API. Prints the endpoints
and the environment that points AWS SDKs and boto3 at them. Data stays in STATE_DIR/s3 between
runs; executions in STATE_DIR/executions.

Both endpoints listen on 127.0.0.1 and serve only requests signed (SigV4) with the state
folder's key pair, addressed to 127.0.0.1 or localhost, and not sent by a web page of another
origin. The key pair is made at random on the first start, kept in STATE_DIR/credentials.json
(readable by you only) and printed below as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY;
quakeslide start/status/logs find it themselves. Runs that were in flight when a runtime was
killed are reported FAILED (RuntimeInterrupted) when the next one starts on the folder.

Options:
  --project DIR       Project folder with infra/, functions/, containers/ (default: current folder).
  --assembly DIR      Use this cloud assembly (cdk synth output) instead of synthesizing infra/app.ts.
  --state-dir DIR     Runtime state folder (default: PROJECT/.quakeslide).
  --s3-port N         TCP port of the S3 server (default 0: a free one).
  --api-port N        TCP port of the Step Functions/Lambda API (default 0: a free one).
  --jobs N            Batch jobs run at once (default: the number of cores).
  --json              Print the endpoints as one JSON line on stdout.

Example:
  quakeslide up
  quakeslide start hazard-pipeline --input examples/scenario.json     (in another terminal)`;

export const upCommand: Command = {
  name: "up",
  help,
  async run(args) {
    const { values } = parseOptions(args, {
      project: { type: "string", default: "." },
      assembly: { type: "string" },
      "state-dir": { type: "string" },
      "s3-port": { type: "string" },
      "api-port": { type: "string" },
      jobs: { type: "string" },
      json: { type: "boolean", default: false },
    });
    // Loaded here, not at the top: the runtime's dependencies cost every other verb's start-up.
    const { EmbeddedRuntime } = await import("../../local/runtime.ts");
    const runtime = await EmbeddedRuntime.start({
      projectRoot: resolve(values.project),
      stateDir: values["state-dir"],
      assemblyDir: values.assembly,
      s3Port: numberOption(values["s3-port"], "s3-port", 0),
      apiPort: numberOption(values["api-port"], "api-port", 0),
      maxConcurrentJobs: values.jobs === undefined ? undefined : numberOption(values.jobs, "jobs"),
    });
    if (values.json) {
      console.log(JSON.stringify({ ...runtime.endpoints, environment: runtime.environment }));
    } else {
      console.log(
        `quakeslide runtime up: S3 ${runtime.endpoints.s3}, Step Functions/Lambda ${runtime.endpoints.api}`,
      );
      console.log(`flows: ${runtime.model.stateMachines.map((m) => m.name).join(", ") || "none"}`);
      console.log(
        `buckets: ${Object.entries(runtime.endpoints.buckets)
          .map(([id, name]) => `${id}=${name}`)
          .join(", ")}`,
      );
      console.log("environment for AWS SDKs / boto3:");
      for (const [name, value] of Object.entries(runtime.environment))
        console.log(`  export ${name}=${value}`);
      console.log("Ctrl-C stops it.");
    }
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await runtime.stop();
    return 0;
  },
};
