import { TARGET_HELP, withRunClient } from "../client/target-options.ts";
import type { Command } from "../command.ts";

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
  run: (args) =>
    withRunClient(args, async (client, runId, json) => {
      const events = await client.logs(runId);
      if (json) {
        console.log(JSON.stringify(events));
        return 0;
      }
      for (const e of events) {
        console.log(
          `${e.timestamp}  ${e.type.padEnd(20)} ${e.state ?? ""}${e.detail ? `  ${e.detail}` : ""}`,
        );
      }
      return 0;
    }),
};
