// Lambda (EventBridge target): an object written under events/ in the data bucket. For
// events/<id>/event.json: validate it, and start `event-update` as execution `<id>-v<version>`
// unless that version (or a newer one) is already published; a malformed event is moved to
// events-rejected/<id>/<etag>/ with reason.json. Event: { bucket, key, etag }.

import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { z } from "zod";
import { eventSchema, type QuakeEvent } from "../../core/groundmotion/event.ts";
import { describeIssues } from "../../core/options.ts";
import {
  DATA_PREFIXES,
  eventLatestKey,
  eventProductPrefix,
  REJECTED_EVENTS_PREFIX,
  SUSCEPTIBILITY_LATEST_KEY,
} from "../shared/layout.ts";
import { type AreaConfig, areaConfigSchema, type EventUpdateInput } from "../shared/machines.ts";
import {
  copyObject,
  createS3Client,
  deleteObject,
  headObject,
  putJson,
  readObjectText,
} from "../shared/s3.ts";

const requestSchema = z.object({
  bucket: z.string().min(3),
  key: z.string().min(1),
  etag: z.string().optional(),
});
const EVENT_KEY = /^events\/([^/]+)\/event\.json$/;

export interface IntakeResult {
  status: "started" | "duplicate" | "ignored" | "rejected";
  reason?: string;
  execution?: string;
}

/** A problem with the event file itself: it is moved aside with this reason. */
class Rejection extends Error {}

export async function handler(event: unknown): Promise<IntakeResult> {
  const request = requestSchema.parse(event);
  const match = EVENT_KEY.exec(request.key);
  if (!match) return { status: "ignored", reason: `${request.key} is not an events/<id>/event.json` };
  const s3 = createS3Client();
  try {
    if (!(await headObject(s3, request.bucket, request.key)))
      return { status: "ignored", reason: `${request.key} no longer exists` };
    let quake: QuakeEvent;
    let area: AreaConfig;
    try {
      quake = parseEvent(await readObjectText(s3, request.bucket, request.key), match[1]);
      area = await readArea(s3, request.bucket, quake.area);
      if (
        quake.shakemap &&
        !(await headObject(s3, request.bucket, `${DATA_PREFIXES.events}${quake.id}/${quake.shakemap}`))
      )
        throw new Rejection(
          `shakemap: ${quake.shakemap} is not beside event.json (write the grid.xml first)`,
        );
    } catch (error) {
      if (!(error instanceof Rejection)) throw error;
      await reject(s3, request, match[1], error.message);
      return { status: "rejected", reason: error.message };
    }
    const results = requiredEnv("RESULTS_BUCKET");
    const latest = await headObject(s3, results, eventLatestKey(quake.id));
    if (latest) {
      const published = (
        JSON.parse(await readObjectText(s3, results, eventLatestKey(quake.id))) as { version: number }
      ).version;
      if (published >= quake.version)
        return {
          status: "ignored",
          reason: `version ${quake.version} is not newer than the published v${published}`,
        };
    }
    const input = await machineInput(s3, request.bucket, results, quake, area);
    const name = `${quake.id}-v${quake.version}`;
    const sfn = new SFNClient({});
    try {
      const started = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: requiredEnv("EVENT_UPDATE_STATE_MACHINE_ARN"),
          name,
          input: JSON.stringify(input),
        }),
      );
      log({ status: "started", event: quake.id, version: quake.version, execution: started.executionArn });
      return { status: "started", execution: started.executionArn };
    } catch (error) {
      // Same name: this version was started before (a repeated delivery); Step Functions keeps one.
      if ((error as Error).name !== "ExecutionAlreadyExists") throw error;
      return { status: "duplicate", reason: `execution ${name} exists` };
    } finally {
      sfn.destroy();
    }
  } finally {
    s3.destroy();
  }
}

function parseEvent(text: string, folderId: string): QuakeEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Rejection(`not JSON: ${(error as Error).message}`);
  }
  const parsed = eventSchema.safeParse(value);
  if (!parsed.success) throw new Rejection(describeIssues(parsed.error, value));
  if (parsed.data.id !== folderId)
    throw new Rejection(`id "${parsed.data.id}" differs from its folder events/${folderId}/`);
  return parsed.data;
}

async function readArea(
  s3: ReturnType<typeof createS3Client>,
  bucket: string,
  name: string,
): Promise<AreaConfig> {
  const key = `${DATA_PREFIXES.areas}${name}.json`;
  if (!(await headObject(s3, bucket, key)))
    throw new Rejection(`area "${name}": no ${key} in the data bucket`);
  const raw = JSON.parse(await readObjectText(s3, bucket, key));
  const parsed = areaConfigSchema.safeParse(raw);
  if (!parsed.success) throw new Rejection(`area "${name}" (${key}): ${describeIssues(parsed.error, raw)}`);
  return parsed.data;
}

/** The area's hazard pipeline with this event's ground motion, published under events/<id>/v<version>/. */
async function machineInput(
  s3: ReturnType<typeof createS3Client>,
  data: string,
  results: string,
  quake: QuakeEvent,
  area: AreaConfig,
): Promise<EventUpdateInput> {
  const pipeline = areaConfigSchema.parse(area).pipeline;
  const folder = `s3://${data}/${DATA_PREFIXES.events}${quake.id}/`;
  const vs30 = area.vs30 ?? 760;
  const susceptibility = await latestSusceptibility(s3, results, pipeline.susceptibility);
  return {
    ...pipeline,
    susceptibility,
    groundMotion: {
      inputs: {
        event: `${folder}event.json`,
        ...(quake.shakemap ? { shakemap: `${folder}${quake.shakemap}` } : {}),
        ...(typeof vs30 === "string" ? { vs30 } : {}),
      },
      params: typeof vs30 === "number" ? { vs30 } : {},
    },
    product: {
      ...pipeline.product,
      title: `${quake.name ?? quake.id}: Mw ${quake.magnitude} (version ${quake.version}), ${area.name}`,
      prefix: eventProductPrefix(quake.id, quake.version),
      latest: { key: eventLatestKey(quake.id), version: quake.version },
    },
  };
}

/**
 * A susceptibility model retrained on a newer inventory (retrain's `susceptibility/latest.json`)
 * replaces the area's own when it was predicted on the same covariates.
 */
async function latestSusceptibility(
  s3: ReturnType<typeof createS3Client>,
  results: string,
  own: { inputs: Record<string, string | string[]>; params: Record<string, unknown> },
) {
  if (!(await headObject(s3, results, SUSCEPTIBILITY_LATEST_KEY))) return own;
  const latest = JSON.parse(await readObjectText(s3, results, SUSCEPTIBILITY_LATEST_KEY)) as {
    model: string;
    covariates: string;
  };
  if (latest.covariates !== own.inputs.covariates) return own;
  return { inputs: { model: latest.model, covariates: latest.covariates }, params: {} };
}

/** Moves the event file to events-rejected/<id>/<etag>/ with reason.json beside it. */
async function reject(
  s3: ReturnType<typeof createS3Client>,
  request: z.infer<typeof requestSchema>,
  folderId: string,
  reason: string,
): Promise<void> {
  const id = /^[A-Za-z0-9_-]{1,48}$/.test(folderId) ? folderId : "invalid-id";
  const version = (
    request.etag ??
    (await headObject(s3, request.bucket, request.key))?.etag ??
    "unknown"
  ).replace(/[^A-Za-z0-9]/g, "");
  const target = `${REJECTED_EVENTS_PREFIX}${id}/${version}/`;
  await copyObject(
    s3,
    { bucket: request.bucket, key: request.key },
    { bucket: request.bucket, key: `${target}event.json` },
  );
  await putJson(s3, request.bucket, `${target}reason.json`, {
    source: `s3://${request.bucket}/${request.key}`,
    reason,
    rejectedAt: new Date().toISOString(),
  });
  await deleteObject(s3, request.bucket, request.key);
  log({ status: "rejected", key: request.key, reason, movedTo: `s3://${request.bucket}/${target}` });
}

function log(fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ level: "info", step: "event-intake", ...fields })}\n`);
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
