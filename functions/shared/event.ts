import { z } from "zod";

/**
 * `s3://bucket/key`: the only way an input reaches a handler or a container job. A fragment
 * (`s3://bucket/result.json#slope_tif`) names one output of a stored StepResult instead.
 */
export const s3UriSchema = z
  .string()
  .regex(
    /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[^#]+(#[A-Za-z0-9_]+)?$/,
    "must be an s3://bucket/key URI",
  );

/**
 * The message every step (Lambda or Batch job) takes. `inputs` maps an option of the step's core
 * schema to the S3 object(s) that become local file paths; `params` are the other options, as
 * the step's own zod schema defines them. The two are merged (plus `outDir`) and validated with
 * that schema, so the CLI, the handlers and the containers accept exactly the same options.
 */
export const stepEventSchema = z.object({
  inputs: z.record(z.string(), z.union([s3UriSchema, z.array(s3UriSchema).min(1)])).default({}),
  params: z.record(z.string(), z.unknown()).default({}),
});

export type StepEvent = z.infer<typeof stepEventSchema>;

/** What a step returns (and what the state machines pass on): small, JSON, S3 URIs only. */
export interface StepResult {
  step: string;
  /** `s3://results/runs/<step>/<hash>/`: deterministic from the inputs' versions and the params. */
  runPrefix: string;
  manifest: string;
  /** Output file name with `.` and `/` turned into `_` (JSONPath-friendly) → S3 URI. */
  outputs: Record<string, string>;
  /** The core step's own summary. */
  summary: unknown;
  /** True when a complete earlier run with the same inputs was found and not recomputed. */
  reused: boolean;
  /** Wall-clock seconds of the run that made these outputs (staging, core step, upload). */
  seconds?: number;
}

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: match[1], key: match[2] };
}

/** The key under which an output file appears in `StepResult.outputs`: `slope.tif` → `slope_tif`. */
export function outputName(relativePath: string): string {
  return relativePath.replace(/[./\\-]/g, "_");
}
