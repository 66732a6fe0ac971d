import { existsSync, readFileSync } from "node:fs";
import { InputError } from "../../core/errors.ts";
import { clientOptions, TARGET_HELP, TARGET_OPTIONS } from "../client/target-options.ts";
import { type Command, parseOptions, requireOption } from "../command.ts";

const help = `Usage: quakeslide start FLOW --input FILE.json [options]

Starts a run of FLOW (a state machine of the app: hazard-pipeline, campaign, retrain, ...) with
the JSON in FILE as its input, and prints the run id (the execution ARN). The input is checked
against the flow's schema first: a missing or wrong field is named, and nothing starts. With
--wait, follows the run to its end (progress on stderr) and exits 0 if it succeeded, 1 if it
failed.

Options:
  --input FILE        JSON input of the run (default: {}).
  --name NAME         Execution name (default: a random UUID): up to 80 letters, digits, - _ .
                      A name is used once per flow, as on AWS: the same name and input again
                      prints that run and its real status (with --wait, at once when it ended).
  --wait              Wait for the run to end, printing progress on stderr.
${TARGET_HELP}

Example:
  quakeslide start hazard-pipeline --input examples/scenario.json --wait
  RUN=$(quakeslide start campaign --input campaign.json --json | jq -r .id)`;

function readInput(file: string | undefined): unknown {
  if (file === undefined) return {};
  if (!existsSync(file)) throw new InputError("input file does not exist", { file });
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new InputError(`not valid JSON: ${(error as Error).message}`, { file });
  }
}

export const startCommand: Command = {
  name: "start",
  help,
  async run(args) {
    const { values, positionals } = parseOptions(
      args,
      {
        ...TARGET_OPTIONS,
        input: { type: "string" },
        name: { type: "string" },
        wait: { type: "boolean", default: false },
      },
      true,
    );
    const flow = requireOption(positionals[0], "FLOW (first argument)");
    if (positionals.length > 1) throw new InputError(`one FLOW expected, got ${positionals.join(" ")}`);
    const input = readInput(values.input);
    // Loaded here, not at the top: the AWS SDK costs every other verb's start-up otherwise.
    const { Quakeslide } = await import("../client/index.ts");
    const client = new Quakeslide(clientOptions(values));
    try {
      const run = await client.startRun(flow, input, { name: values.name });
      if (run.status !== "RUNNING" && !values.json) {
        console.error(
          `run ${values.name} of ${flow} already ran: ${run.status} (a name is used once per flow)`,
        );
      }
      if (!values.wait) {
        console.log(values.json ? JSON.stringify({ id: run.id, flow, status: run.status }) : run.id);
        return 0;
      }
      if (!values.json) console.error(`started ${run.id}`);
      const finished = await client.waitForRun(run.id, {
        onProgress: values.json
          ? undefined
          : (fraction, message) =>
              console.error(`${fraction === undefined ? "" : `${Math.round(fraction * 100)}% `}${message}`),
      });
      if (values.json) console.log(JSON.stringify(finished));
      else
        console.log(
          `${finished.status} ${finished.id}${finished.error ? `: ${finished.error}: ${finished.cause}` : ""}`,
        );
      return finished.status === "SUCCEEDED" ? 0 : 1;
    } finally {
      client.destroy();
    }
  },
};
