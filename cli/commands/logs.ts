import { InputError } from "../../core/errors.ts";
import { clientOptions, TARGET_HELP, TARGET_OPTIONS } from "../client/target-options.ts";
import { type Command, parseOptions, requireOption } from "../command.ts";

const help = `Usage: quakeslide logs RUN [options]

Prints the history of a run, one line per event, oldest first: states entered and exited,
retries (with the attempt number), caught errors, failures (error and cause), Map iterations.
RUN is the id \`quakeslide start\` printed (the execution ARN).

Options:
${TARGET_HELP}

Example:
  quakeslide logs arn:aws:states:us-east-1:000000000000:execution:quakeslide-campaign:run-7`;

export const logsCommand: Command = {
  name: "logs",
  help,
  async run(args) {
    const { values, positionals } = parseOptions(args, TARGET_OPTIONS, true);
    const runId = requireOption(positionals[0], "RUN (first argument)");
    if (positionals.length > 1) throw new InputError(`one RUN expected, got ${positionals.join(" ")}`);
    // Loaded here, not at the top: the AWS SDK costs every other verb's start-up otherwise.
    const { Quakeslide } = await import("../client/index.ts");
    const client = new Quakeslide(clientOptions(values));
    try {
      const events = await client.logs(runId);
      if (values.json) {
        console.log(JSON.stringify(events));
        return 0;
      }
      for (const e of events) {
        console.log(
          `${e.timestamp}  ${e.type.padEnd(20)} ${e.state ?? ""}${e.detail ? `  ${e.detail}` : ""}`,
        );
      }
      return 0;
    } finally {
      client.destroy();
    }
  },
};
