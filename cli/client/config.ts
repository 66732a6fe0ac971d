import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../../core/errors.ts";
import type { RuntimeEndpoints } from "../../local/runtime.ts";
import type { Credentials } from "../../local/sigv4.ts";

export type Target = "embedded" | "localstack" | "aws";
export const TARGETS: readonly Target[] = ["embedded", "localstack", "aws"];

export interface ClientOptions {
  /** Where runs happen; default: env QUAKESLIDE_TARGET, else "embedded". */
  target?: Target;
  /** AWS region; default: the SDK's (AWS_REGION, profile), for embedded us-east-1. */
  region?: string;
  /** Named profile from ~/.aws/config (as AWS_PROFILE). */
  profile?: string;
  /** Embedded runtime state folder holding runtime.json; default `.quakeslide`. */
  stateDir?: string;
  /** Bucket names; default: env QUAKESLIDE_DATA_BUCKET / QUAKESLIDE_RESULTS_BUCKET, or the embedded runtime's. */
  dataBucket?: string;
  resultsBucket?: string;
}

/** Settings shared by the S3, Step Functions and Lambda clients, plus the bucket names. */
export interface ResolvedConfig {
  target: Target;
  s3: Record<string, unknown>;
  sfn: Record<string, unknown>;
  lambda: Record<string, unknown>;
  /** The embedded runtime's API and key pair, for its richer execution records. */
  embedded?: { api: string; region: string; credentials: Credentials };
  dataBucket?: string;
  resultsBucket?: string;
}

const LOCALSTACK_ENDPOINT = "http://localhost.localstack.cloud:4566";

/**
 * Turns options and the standard AWS environment into client settings. Explicit endpoint
 * variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3, ...) always win, because the SDK reads them
 * itself; the target only supplies defaults for what they leave open.
 */
export function resolveClientConfig(options: ClientOptions = {}): ResolvedConfig {
  const target = parseTarget(options.target ?? process.env.QUAKESLIDE_TARGET ?? "embedded");
  const dataBucket = options.dataBucket ?? process.env.QUAKESLIDE_DATA_BUCKET;
  const resultsBucket = options.resultsBucket ?? process.env.QUAKESLIDE_RESULTS_BUCKET;
  const common = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };
  if (target === "aws") return { target, s3: common, sfn: common, lambda: common, dataBucket, resultsBucket };
  if (target === "localstack") {
    const endpoint = process.env.AWS_ENDPOINT_URL ?? LOCALSTACK_ENDPOINT;
    const local = {
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      ...common,
      endpoint,
    };
    return {
      target,
      s3: { ...local, forcePathStyle: true },
      sfn: local,
      lambda: local,
      dataBucket,
      resultsBucket,
    };
  }
  const runtime = readRuntimeFile(options.stateDir ?? ".quakeslide");
  // The runtime serves only requests signed with its state folder's key pair.
  const local = { region: runtime.region, credentials: runtime.credentials, ...common };
  return {
    target,
    s3: { ...local, endpoint: process.env.AWS_ENDPOINT_URL_S3 ?? runtime.s3, forcePathStyle: true },
    sfn: { ...local, endpoint: process.env.AWS_ENDPOINT_URL_SFN ?? runtime.api },
    lambda: { ...local, endpoint: process.env.AWS_ENDPOINT_URL_LAMBDA ?? runtime.api },
    embedded: { api: runtime.api, region: runtime.region, credentials: runtime.credentials },
    dataBucket: dataBucket ?? runtime.buckets.DataBucket,
    resultsBucket: resultsBucket ?? runtime.buckets.ResultsBucket,
  };
}

export function parseTarget(value: string): Target {
  if (!(TARGETS as readonly string[]).includes(value)) {
    throw new InputError(`target must be one of ${TARGETS.join(", ")}, got "${value}"`);
  }
  return value as Target;
}

function readRuntimeFile(stateDir: string): RuntimeEndpoints {
  const file = join(resolve(stateDir), "runtime.json");
  const notRunning = `no embedded runtime is running for ${stateDir} (start one with \`quakeslide up\` in another terminal, or choose --target localstack|aws)`;
  if (!existsSync(file)) throw new InputError(notRunning);
  const runtime = JSON.parse(readFileSync(file, "utf8")) as RuntimeEndpoints;
  try {
    process.kill(runtime.pid, 0); // signal 0: only asks whether the process exists
  } catch {
    throw new InputError(`${notRunning}; ${file} is left over from process ${runtime.pid}, which has ended`);
  }
  if (!runtime.credentials?.accessKeyId || !runtime.credentials.secretAccessKey) {
    throw new InputError(
      `${file} has no key pair: the runtime is of an older version; restart \`quakeslide up\``,
    );
  }
  return runtime;
}
