import type { OptionSpec } from "../command.ts";
import { type ClientOptions, parseTarget } from "./config.ts";

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
