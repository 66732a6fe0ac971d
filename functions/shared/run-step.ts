import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, relative, sep } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { z } from "zod";
import { errorFromName, InputError, isUserError } from "../../core/errors.ts";
import { MEMORY_LIMIT_ENV, MEMORY_LIMIT_FIELD, parseMemoryLimit } from "../../core/limits.ts";
import { describeIssues, parseOptionsWith } from "../../core/options.ts";
import { canonicalJson } from "../../core/util/canonical-json.ts";
import { outputName, parseS3Uri, type StepEvent, type StepResult, stepEventSchema } from "./event.ts";
import { MANIFEST_NAME, runPrefix } from "./layout.ts";
import {
  createS3Client,
  downloadObject,
  headObject,
  type ObjectVersion,
  putJson,
  readObjectText,
  uploadFile,
} from "./s3.ts";

/** One core step as the handlers and containers see it: its name, its zod schema, its function. */
export interface StepSpec<Schema extends z.ZodType> {
  /** Also the results prefix `runs/<step>/` that this step alone may write. */
  step: string;
  schema: Schema;
  /** Calls core; `onProgress` turns the step's progress into log lines (see progressLogger). */
  run: (options: z.output<Schema>, onProgress: ProgressCallback) => Promise<unknown>;
  /**
   * Options the runtime sets whatever the event says, e.g. `{ threads: 1 }` in a Lambda, whose
   * single-file bundle does not carry the worker-thread modules.
   */
  fixed?: Record<string, unknown>;
  /** Options used when the event does not give them, e.g. `{ threads: <vCPUs> }` in a container. */
  defaults?: Record<string, unknown>;
}

export type ProgressCallback = (fraction: number, message?: string) => void;

export interface RunStepOptions {
  client?: S3Client;
  /** Where progress lines go; default stdout (CloudWatch Logs in Lambda and Batch). */
  log?: (line: string) => void;
  /** Bucket for outputs; default env RESULTS_BUCKET. */
  resultsBucket?: string;
  /** Recorded in the manifest and part of the hash; default env QUAKESLIDE_CODE_VERSION. */
  codeVersion?: string;
}

interface ResolvedInput {
  uri: string;
  bucket: string;
  key: string;
  version: ObjectVersion;
}

/**
 * Runs one core step on S3 inputs: validate the event → find the inputs' versions → derive the
 * run key → (reuse a complete earlier run) → download → validate with the step's schema → run →
 * upload outputs → write the manifest last (the commit point) → return a small result.
 */
export async function runStep<Schema extends z.ZodType>(
  spec: StepSpec<Schema>,
  event: unknown,
  options: RunStepOptions = {},
): Promise<StepResult> {
  const parsed = stepEventSchema.safeParse(event);
  if (!parsed.success) throw new InputError(`${spec.step} event: ${describeIssues(parsed.error, event)}`);
  checkEventFields(spec, parsed.data);
  const client = options.client ?? createS3Client();
  const bucket = options.resultsBucket ?? requiredEnv("RESULTS_BUCKET");
  const codeVersion = options.codeVersion ?? process.env.QUAKESLIDE_CODE_VERSION ?? "dev";

  const inputs = await resolveInputs(client, parsed.data);
  const prefix = runPrefix(spec.step, runHash(spec.step, codeVersion, inputs, parsed.data.params));
  if (await headObject(client, bucket, prefix + MANIFEST_NAME)) {
    const manifest = JSON.parse(await readObjectText(client, bucket, prefix + MANIFEST_NAME)) as RunManifest;
    return { ...manifest.result, reused: true };
  }

  const started = performance.now();
  // The embedded runtime gives its steps a work root it can clean up after a crash.
  const workDir = await mkdtemp(join(process.env.QUAKESLIDE_TMPDIR ?? tmpdir(), `quakeslide-${spec.step}-`));
  try {
    const localPaths = localInputPaths(workDir, parsed.data, inputs);
    const outDir = join(workDir, "out");
    // Validated before anything is downloaded; messages name the event's fields (params and inputs).
    // The memory limit is the operator's (environment), never the event's: one event must not be
    // able to take the process, and every run it serves, past the machine's memory.
    const memoryLimitGb = parseMemoryLimit(process.env[MEMORY_LIMIT_ENV]);
    const stepOptions = parseOptionsWith(
      spec.schema,
      { ...spec.defaults, ...parsed.data.params, ...spec.fixed, ...localPaths, outDir, memoryLimitGb },
      `${spec.step} options`,
    );
    await downloadInputs(client, inputs, localPaths);
    await mkdir(outDir, { recursive: true });
    const summary = await spec
      .run(stepOptions, progressLogger(spec.step, options.log))
      .catch((error: unknown) => Promise.reject(withInputUris(error, inputs, localPaths)));
    const uploaded = await uploadOutputs(client, bucket, prefix, outDir);
    const result: StepResult = {
      step: spec.step,
      runPrefix: `s3://${bucket}/${prefix}`,
      manifest: `s3://${bucket}/${prefix}${MANIFEST_NAME}`,
      outputs: Object.fromEntries(Object.entries(uploaded).map(([name, { uri }]) => [outputName(name), uri])),
      summary,
      reused: false,
      seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
    };
    const manifest: RunManifest = {
      step: spec.step,
      codeVersion,
      createdAt: new Date().toISOString(),
      inputs: Object.fromEntries(
        Object.entries(inputs).map(([name, list]) => [
          name,
          list.map(({ uri, version }) => ({ uri, ...version })),
        ]),
      ),
      params: parsed.data.params,
      outputs: uploaded,
      result,
    };
    await putJson(client, bucket, prefix + MANIFEST_NAME, manifest);
    return result;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Fields an event may not set: the runtime sets them (the output folder, the operator's memory limit). */
const RUNTIME_FIELDS = new Set(["outDir", MEMORY_LIMIT_FIELD]);

/**
 * Every param must be a field of the step's schema: zod would drop an unknown one, and a misspelt
 * parameter (`waterUnitWeigth`) would silently fall back to its default. Inputs may name more
 * files than the schema does: a scenario's DEM is staged beside it and found by its name.
 */
function checkEventFields(spec: StepSpec<z.ZodType>, event: StepEvent): void {
  const shape = (spec.schema as unknown as { shape?: Record<string, unknown> }).shape;
  if (!shape) return;
  const known = Object.keys(shape).filter((name) => !RUNTIME_FIELDS.has(name));
  const unknown = Object.keys(event.params).filter((name) => !known.includes(name));
  if (unknown.length === 0) return;
  const limit = unknown.includes(MEMORY_LIMIT_FIELD) ? ` (${MEMORY_LIMIT_ENV} sets the memory limit)` : "";
  throw new InputError(
    `${spec.step} event: unknown field(s) ${unknown.join(", ")}${limit}; the step takes ${known.join(", ")}`,
  );
}

/**
 * Core names the local copy of a file in its InputErrors; the user knows the S3 object. Put the
 * input's URI in the message instead of the staged path (other errors are left as they are).
 */
function withInputUris(
  error: unknown,
  inputs: Record<string, ResolvedInput[]>,
  localPaths: Record<string, string | string[]>,
): unknown {
  if (!isUserError(error)) return error;
  let message = error.message;
  for (const [name, list] of Object.entries(inputs)) {
    const paths = ([] as string[]).concat(localPaths[name]);
    list.forEach((input, index) => {
      message = message.split(paths[index]).join(input.uri);
    });
  }
  return errorFromName(error.name, message);
}

/** Uploads every file of `outDir` under `prefix`; returns relative name → URI and SHA-256. */
async function uploadOutputs(
  client: S3Client,
  bucket: string,
  prefix: string,
  outDir: string,
): Promise<Record<string, { uri: string; sha256: string }>> {
  const uploaded: Record<string, { uri: string; sha256: string }> = {};
  for (const path of await listFiles(outDir)) {
    const name = relative(outDir, path).split("\\").join("/");
    const sha256 = await uploadFile(client, bucket, prefix + name, path);
    uploaded[name] = { uri: `s3://${bucket}/${prefix}${name}`, sha256 };
  }
  return uploaded;
}

/**
 * Progress as structured log lines (CloudWatch on AWS): at most one per 10 % of the work or per
 * 30 s, so a long SEM run or training shows that it moves without flooding the logs.
 */
export function progressLogger(
  step: string,
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): ProgressCallback {
  let lastFraction = -1;
  let lastTime = 0;
  return (fraction, message) => {
    const now = Date.now();
    if (fraction < 1 && fraction - lastFraction < 0.1 && now - lastTime < 30_000) return;
    lastFraction = fraction;
    lastTime = now;
    log(JSON.stringify({ level: "info", step, progress: Number(fraction.toFixed(3)), message }));
  };
}

interface RunManifest {
  step: string;
  codeVersion: string;
  createdAt: string;
  inputs: Record<string, (ObjectVersion & { uri: string })[]>;
  params: Record<string, unknown>;
  outputs: Record<string, { uri: string; sha256: string }>;
  result: StepResult;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

async function resolveInputs(client: S3Client, event: StepEvent): Promise<Record<string, ResolvedInput[]>> {
  const resolved: Record<string, ResolvedInput[]> = {};
  for (const [name, value] of Object.entries(event.inputs)) {
    resolved[name] = await Promise.all(
      (Array.isArray(value) ? value : [value]).map(async (uri) => {
        const target = await followResultReference(client, uri);
        const { bucket, key } = parseS3Uri(target);
        const version = await headObject(client, bucket, key);
        if (!version) throw new InputError(`input ${name}: ${target} does not exist`, { file: target });
        return { uri: target, bucket, key, version };
      }),
    );
  }
  return resolved;
}

/**
 * `s3://…/result.json#slope_tif` names output `slope_tif` of the StepResult stored in that JSON
 * object: how a state machine hands a Batch job's output (whose key it cannot compute) to the
 * next step. A URI without `#` is returned as it is.
 */
async function followResultReference(client: S3Client, uri: string): Promise<string> {
  const hashAt = uri.indexOf("#");
  if (hashAt < 0) return uri;
  const resultUri = uri.slice(0, hashAt);
  const output = uri.slice(hashAt + 1);
  const { bucket, key } = parseS3Uri(resultUri);
  if (!(await headObject(client, bucket, key))) throw new InputError(`${resultUri} does not exist`);
  const result = JSON.parse(await readObjectText(client, bucket, key)) as Partial<StepResult>;
  const target = result.outputs?.[output];
  if (!target) {
    const known = Object.keys(result.outputs ?? {}).join(", ");
    throw new InputError(`${resultUri} has no output "${output}" (it has: ${known || "none"})`);
  }
  return target;
}

/**
 * The run key: SHA-256 over the step, the code version, every input's URI + ETag + version id and
 * the params (keys sorted), so a retried or duplicated event lands on the same objects.
 */
export function runHash(
  step: string,
  codeVersion: string,
  inputs: Record<string, ResolvedInput[]>,
  params: Record<string, unknown>,
): string {
  const identity = {
    step,
    codeVersion,
    inputs: Object.fromEntries(
      Object.entries(inputs).map(([name, list]) => [
        name,
        list.map(({ uri, version }) => [uri, version.etag, version.versionId ?? null]),
      ]),
    ),
    params,
  };
  return createHash("sha256").update(canonicalJson(identity)).digest("hex").slice(0, 32);
}

/**
 * Where inputs are staged: `in/<file name>`, all in one folder, so that files which refer to
 * each other by relative name (a SEM scenario and its DEM) find each other as they did in S3.
 * Names that occur twice go to `in/<option>/<index>-<file name>` instead. An option given as a
 * list in the event stays a list (even of one), a single URI stays a string.
 */
function localInputPaths(
  workDir: string,
  event: StepEvent,
  inputs: Record<string, ResolvedInput[]>,
): Record<string, string | string[]> {
  const nameCount = new Map<string, number>();
  for (const list of Object.values(inputs)) {
    for (const input of list)
      nameCount.set(basename(input.key), (nameCount.get(basename(input.key)) ?? 0) + 1);
  }
  const paths: Record<string, string | string[]> = {};
  const staging = join(workDir, "in") + sep;
  for (const [name, list] of Object.entries(inputs)) {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
      throw new InputError(`input name ${JSON.stringify(name)} is not an option name (letters, digits, _)`);
    }
    const local = list.map((input, index) => {
      const file = basename(input.key);
      const path =
        nameCount.get(file) === 1 ? join(workDir, "in", file) : join(workDir, "in", name, `${index}-${file}`);
      // A key ending in "/.." or "/." has such a base name: the file would not be inside in/.
      if (!path.startsWith(staging) || file === "." || file === "..") {
        throw new InputError(`input ${name}: ${input.uri} does not name a file`, { file: input.uri });
      }
      return path;
    });
    paths[name] = Array.isArray(event.inputs[name]) ? local : local[0];
  }
  return paths;
}

async function downloadInputs(
  client: S3Client,
  inputs: Record<string, ResolvedInput[]>,
  localPaths: Record<string, string | string[]>,
): Promise<void> {
  const jobs = Object.entries(inputs).flatMap(([name, list]) => {
    const paths = ([] as string[]).concat(localPaths[name]);
    return list.map((input, index) =>
      downloadObject(client, input.bucket, input.key, paths[index], input.version.versionId),
    );
  });
  await Promise.all(jobs);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}
