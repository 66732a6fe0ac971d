import { randomUUID } from "node:crypto";
import type { InputTransformer, RuleModel } from "./app-model.ts";
import type { S3NotificationRecord } from "./s3-server.ts";
import { LOCAL_ACCOUNT } from "./templates.ts";

type Json = Record<string, unknown>;

/** The EventBridge event S3 sends for an object write (bucket with EventBridge enabled). */
export function s3EventBridgeEvent(record: S3NotificationRecord, region: string): Json | undefined {
  if (!record.eventName.startsWith("ObjectCreated:")) return undefined;
  const { bucket, object } = record.s3;
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Object Created",
    source: "aws.s3",
    account: LOCAL_ACCOUNT,
    time: record.eventTime,
    region,
    resources: [`arn:aws:s3:::${bucket.name}`],
    detail: {
      version: "0",
      bucket: { name: bucket.name },
      // s3rver reports the key as written (not URL-encoded), as EventBridge events carry it.
      object: { key: object.key, size: object.size, etag: object.eTag, sequencer: object.sequencer },
      "request-id": randomUUID(),
      requester: LOCAL_ACCOUNT,
      reason: record.eventName === "ObjectCreated:Copy" ? "CopyObject" : "PutObject",
    },
  };
}

/** EventBridge content filtering: literal values, prefix, suffix, anything-but, exists, nested objects. */
export function matchesPattern(pattern: Json, event: unknown): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    const actual = (event as Json | undefined)?.[key];
    if (Array.isArray(expected)) {
      if (!expected.some((condition) => matchesCondition(condition, actual))) return false;
    } else if (expected && typeof expected === "object") {
      if (!matchesPattern(expected as Json, actual)) return false;
    }
  }
  return true;
}

function matchesCondition(condition: unknown, actual: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((value) => matchesCondition(condition, value));
  if (condition === null || typeof condition !== "object") return actual === condition;
  const rule = condition as Json;
  if ("exists" in rule) return (actual !== undefined) === rule.exists;
  if (actual === undefined) return false;
  if ("prefix" in rule) return typeof actual === "string" && actual.startsWith(String(rule.prefix));
  if ("suffix" in rule) return typeof actual === "string" && actual.endsWith(String(rule.suffix));
  if ("anything-but" in rule) {
    const excluded = rule["anything-but"];
    return Array.isArray(excluded) ? !excluded.includes(actual) : !matchesCondition(excluded, actual);
  }
  return false;
}

/** The input a rule target receives: the whole event, a constant, a path, or a transformed event. */
export function targetInput(target: RuleModel["targets"][number], event: Json): unknown {
  if (target.input !== undefined) return JSON.parse(target.input);
  if (target.inputPath) return readPath(event, target.inputPath);
  if (target.inputTransformer) return transformInput(target.inputTransformer, event);
  return event;
}

/**
 * EventBridge input transformation: each `<name>` in the template becomes the value at its path;
 * inside a JSON string literal as the bare (escaped) text, elsewhere as the JSON value.
 */
function transformInput(transformer: InputTransformer, event: Json): unknown {
  const values = new Map(
    Object.entries(transformer.InputPathsMap ?? {}).map(([name, path]) => [name, readPath(event, path)]),
  );
  let text = "";
  let inString = false;
  const template = transformer.InputTemplate;
  for (let i = 0; i < template.length; i++) {
    const char = template[i];
    if (char === "\\" && inString) {
      text += char + template[++i];
      continue;
    }
    if (char === '"') inString = !inString;
    const placeholder = char === "<" ? template.slice(i + 1).match(/^([A-Za-z0-9_.-]+)>/) : null;
    if (placeholder && values.has(placeholder[1])) {
      const value = values.get(placeholder[1]);
      text += inString
        ? JSON.stringify(typeof value === "string" ? value : JSON.stringify(value)).slice(1, -1)
        : JSON.stringify(value ?? null);
      i += placeholder[0].length;
      continue;
    }
    text += char;
  }
  return JSON.parse(text);
}

function readPath(event: Json, path: string): unknown {
  if (path === "$") return event;
  return path
    .replace(/^\$\.?/, "")
    .split(".")
    .reduce<unknown>((value, key) => (value as Json | undefined)?.[key], event);
}
