import { TARGET_HELP, withRunClient } from "../client/target-options.ts";
import type { Command } from "../command.ts";

const help = `Usage: quakeslide status RUN [options]

Prints the status of a run (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED), its start and stop
times, and for a failed run the failure reason: the state that failed, the error and cause, and
for a Batch job its exit code (embedded runtime; on AWS see the job's CloudWatch log).
RUN is the id \`quakeslide start\` printed (the execution ARN).

Options:
${TARGET_HELP}

Example:
  quakeslide status arn:aws:states:us-east-1:000000000000:execution:quakeslide-hazard-pipeline:3f0c...`;

/** A Lambda error's message, or a Batch job's status reason, rather than the whole JSON cause. */
function readableCause(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string; StatusReason?: string };
    if (parsed.errorMessage || parsed.StatusReason) return String(parsed.errorMessage ?? parsed.StatusReason);
  } catch {
    // not JSON: a Fail state's or the interpreter's own text
  }
  return cause.length > 500 ? `${cause.slice(0, 497)}...` : cause;
}

export const statusCommand: Command = {
  name: "status",
  help,
  run: (args) =>
    withRunClient(args, async (client, runId, json) => {
      const run = await client.getRun(runId);
      const failure = run.status === "FAILED" ? (await client.embeddedRecord(runId))?.failure : undefined;
      if (json) {
        console.log(JSON.stringify({ ...run, failure }));
        return 0;
      }
      console.log(`${run.status}  ${run.flow}  ${run.id}`);
      console.log(
        `started ${run.startDate?.toISOString() ?? "?"}${run.stopDate ? `, stopped ${run.stopDate.toISOString()}` : ""}`,
      );
      if (failure) {
        console.log(
          `failed in state ${failure.state ?? "?"}: ${failure.error}: ${readableCause(failure.cause)}`,
        );
        if (failure.job) {
          console.log(
            `Batch job ${failure.job.jobId}: exit code ${failure.job.exitCode}, ${failure.job.statusReason ?? ""}`,
          );
          console.log(`last output of the job:\n${failure.job.logTail}`);
        }
      } else if (run.error) {
        console.log(`failed: ${run.error}: ${readableCause(run.cause ?? "")}`);
      }
      if (run.status === "SUCCEEDED") console.log(`output: ${JSON.stringify(run.output)}`);
      return 0;
    }),
};
