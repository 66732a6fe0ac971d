import type { z } from "zod";
import { InputError, isUserError } from "../../core/errors.ts";
import { describeIssues } from "../../core/options.ts";
import { parseS3Uri, s3UriSchema, stepEventSchema } from "./event.ts";
import { runStep, type StepSpec } from "./run-step.ts";
import { createS3Client, putJson, readObjectText } from "./s3.ts";

/**
 * A Batch job's input: the same event as the Lambdas take, plus where to store the StepResult
 * (the state machine cannot compute the run key, so it names this object and reads it after).
 */
export const jobInputSchema = stepEventSchema.extend({
  resultUri: s3UriSchema.optional(),
});

/**
 * Runs a container job: the job JSON comes from env QUAKESLIDE_JOB, or from the S3 object named by
 * QUAKESLIDE_JOB_URI (for inputs larger than Batch's 8 KiB of overrides). Returns the exit code:
 * 0 done, 2 bad input (Batch does not retry it), 1 anything else.
 */
export async function runJobFromEnvironment<Schema extends z.ZodType>(
  spec: StepSpec<Schema>,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  const client = createS3Client();
  try {
    const text = await readJobText(env, client);
    const input = JSON.parse(text);
    const parsed = jobInputSchema.safeParse(input);
    if (!parsed.success) throw new InputError(`job input: ${describeIssues(parsed.error, input)}`);
    const { resultUri, ...event } = parsed.data;
    const result = await runStep(spec, event, { client });
    if (resultUri) {
      const { bucket, key } = parseS3Uri(resultUri);
      await putJson(client, bucket, key, result);
    }
    log(JSON.stringify({ level: "info", step: spec.step, result }));
    return 0;
  } catch (error) {
    // A job input that is not JSON is the caller's mistake, like any other bad input.
    const userError = isUserError(error) || error instanceof SyntaxError;
    const { name, message } = error as Error;
    log(JSON.stringify({ level: "error", step: spec.step, error: name, userError, message }));
    return userError ? 2 : 1;
  } finally {
    client.destroy();
  }
}

async function readJobText(
  env: NodeJS.ProcessEnv,
  client: ReturnType<typeof createS3Client>,
): Promise<string> {
  if (env.QUAKESLIDE_JOB) return env.QUAKESLIDE_JOB;
  if (env.QUAKESLIDE_JOB_URI) {
    const { bucket, key } = parseS3Uri(env.QUAKESLIDE_JOB_URI);
    return readObjectText(client, bucket, key);
  }
  throw new InputError("neither QUAKESLIDE_JOB nor QUAKESLIDE_JOB_URI is set");
}
