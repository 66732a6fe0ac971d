import { InputError } from "../../core/errors.ts";
import { type OptionSpec, parseOptions, requireOption } from "../command.ts";
import { type ClientOptions, parseTarget } from "./config.ts";
import type { Quakeslide } from "./index.ts";

/** Options every verb that talks to a runtime shares (start, status, logs). */
export const TARGET_OPTIONS = {
  target: { type: "string" },
  region: { type: "string" },
  profile: { type: "string" },
  "state-dir": { type: "string" },
  json: { type: "boolean", default: false },
} satisfies OptionSpec;

export const TARGET_HELP = `  --target NAME       embedded (default, or env QUAKESLIDE_TARGET), localstack or aws.
  --region NAME       AWS region (default: AWS_REGION / the profile's; embedded: us-east-1).
  --profile NAME      Named AWS profile (as AWS_PROFILE).
  --state-dir DIR     Embedded runtime state folder, as given to \`quakeslide up\` (default .quakeslide).
  --json              Print only JSON on stdout.

Endpoints come from the standard AWS variables when set (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3,
AWS_ENDPOINT_URL_SFN, AWS_ENDPOINT_URL_LAMBDA); embedded reads them from <state-dir>/runtime.json.`;

export function clientOptions(values: {
  target?: string;
  region?: string;
  profile?: string;
  "state-dir"?: string;
}): ClientOptions {
  return {
    target: values.target === undefined ? undefined : parseTarget(values.target),
    region: values.region,
    profile: values.profile,
    stateDir: values["state-dir"],
  };
}

/**
 * The frame of the verbs that read one run (status, logs): `RUN [options]` parsed, a client for
 * the target, destroyed afterwards.
 */
export async function withRunClient(
  args: string[],
  use: (client: Quakeslide, runId: string, json: boolean) => Promise<number>,
): Promise<number> {
  const { values, positionals } = parseOptions(args, TARGET_OPTIONS, true);
  const runId = requireOption(positionals[0], "RUN (first argument)");
  if (positionals.length > 1) throw new InputError(`one RUN expected, got ${positionals.join(" ")}`);
  // Loaded here, not at the top: the AWS SDK costs every other verb's start-up otherwise.
  const { Quakeslide } = await import("./index.ts");
  const client = new Quakeslide(clientOptions(values));
  try {
    return await use(client, runId, values.json === true);
  } finally {
    client.destroy();
  }
}
