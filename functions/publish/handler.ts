// Lambda: publishes a hazard run (hazard-pipeline, event-update) as one product folder in the
// results bucket: the maps (COG + PNG) copied from the steps, report.html, and manifest.json
// written last, the commit point. For an event version it then moves events/<id>/latest.json
// forward. Event: { flow, execution, input: <machine input with $.results> }.

import { createHash } from "node:crypto";
import { InputError } from "../../core/errors.ts";
import { describeIssues } from "../../core/options.ts";
import { parseS3Uri } from "../shared/event.ts";
import { MANIFEST_NAME, PRODUCT_PREFIXES } from "../shared/layout.ts";
import {
  copyObject,
  createS3Client,
  hashObject,
  headObject,
  putJson,
  putText,
  readObjectText,
} from "../shared/s3.ts";
import { moveLatestForward, readLatest } from "./latest.ts";
import { type ProductManifest, stacItem } from "./manifest.ts";
import { productFiles, resultsByGroup } from "./products.ts";
import { buildHazardReport } from "./report.ts";
import { type PublishRequest, publishRequestSchema } from "./schema.ts";

export interface PublishResult {
  /** published: written now; exists: an identical earlier publication; superseded: a newer version is out. */
  status: "published" | "exists" | "superseded";
  product: string;
  manifest: string;
  report: string;
  /** The event version published, and the one the latest pointer names after this call. */
  version?: number;
  latestVersion?: number;
  steps: Record<string, string>;
  hazard?: unknown;
}

export async function handler(event: unknown): Promise<PublishResult> {
  const parsed = publishRequestSchema.safeParse(event);
  if (!parsed.success) throw new InputError(`publish event: ${describeIssues(parsed.error, event)}`);
  const request = parsed.data as PublishRequest;
  const { input } = request;
  const client = createS3Client();
  try {
    const bucket = requiredEnv("RESULTS_BUCKET");
    const codeVersion = process.env.QUAKESLIDE_CODE_VERSION ?? "dev";
    const prefix = input.product.prefix ?? `${PRODUCT_PREFIXES.hazard}${runKey(codeVersion, request)}/`;
    const uri = (name: string) => `s3://${bucket}/${prefix}${name}`;
    const base = {
      product: uri(""),
      manifest: uri(MANIFEST_NAME),
      report: uri("report.html"),
      steps: Object.fromEntries(
        Object.entries(resultsByGroup(input.results)).map(([g, r]) => [g, r.runPrefix]),
      ),
      ...(input.product.latest ? { version: input.product.latest.version } : {}),
    };
    const latest = input.product.latest;
    if (latest) {
      const current = await readLatest(client, bucket, latest.key);
      if (current && current.pointer.version > latest.version)
        return { ...base, status: "superseded", latestVersion: current.pointer.version };
    }
    if (await headObject(client, bucket, prefix + MANIFEST_NAME)) {
      const stored = JSON.parse(
        await readObjectText(client, bucket, prefix + MANIFEST_NAME),
      ) as ProductManifest;
      const moved = latest ? await moveLatest(client, bucket, latest, base) : undefined;
      return {
        ...(stored.result as PublishResult),
        status: "exists",
        ...(moved === undefined ? {} : { latestVersion: moved }),
      };
    }

    const files = await productFiles(client, input.results, input.krige.target);
    for (const file of files)
      await copyObject(client, parseS3Uri(file.source), { bucket, key: prefix + file.name });
    const inputs = await hashInputs(client, input);
    const report = await buildHazardReport(client, request, files, inputs, codeVersion);
    const reportSha = await putText(client, bucket, `${prefix}report.html`, report.html);

    const result: PublishResult = { ...base, status: "published", hazard: input.results.hazard.summary };
    const outputs = Object.fromEntries([
      ...files.map((f) => [f.name, { uri: uri(f.name), sha256: f.sha256, source: f.source }]),
      ["report.html", { uri: uri("report.html"), sha256: reportSha }],
    ]);
    const createdAt = new Date().toISOString();
    const gm = "skipped" in input.results.groundMotion ? undefined : input.results.groundMotion;
    const manifest: ProductManifest = {
      type: "quakeslide-product",
      version: 1,
      flow: request.flow,
      execution: request.execution,
      codeVersion,
      createdAt,
      product: base.product,
      inputs: Object.fromEntries(inputs.map(({ name, ...rest }) => [name, rest])),
      parameters: withoutResults(input),
      steps: Object.fromEntries(
        Object.entries(resultsByGroup(input.results)).map(([group, r]) => [
          group,
          { runPrefix: r.runPrefix, manifest: r.manifest, seconds: r.seconds ?? null, reused: r.reused },
        ]),
      ),
      outputs,
      stac: stacItem(
        prefix.replace(/\/$/, "").replace(/\//g, "-"),
        createdAt,
        report.footprint,
        Object.keys(outputs),
        {
          "quakeslide:flow": request.flow,
          ...(gm ? { "quakeslide:event": (gm.summary as { event?: unknown }).event } : {}),
        },
      ),
      result,
    };
    // The commit point: everything above is in place before this object exists.
    await putJson(client, bucket, prefix + MANIFEST_NAME, manifest);
    const moved = latest ? await moveLatest(client, bucket, latest, base) : undefined;
    return { ...result, ...(moved === undefined ? {} : { latestVersion: moved }) };
  } finally {
    client.destroy();
  }
}

async function moveLatest(
  client: ReturnType<typeof createS3Client>,
  bucket: string,
  latest: { key: string; version: number },
  base: { product: string; manifest: string; report: string },
): Promise<number> {
  await moveLatestForward(client, bucket, latest.key, {
    version: latest.version,
    ...base,
    publishedAt: new Date().toISOString(),
  });
  return (await readLatest(client, bucket, latest.key))?.pointer.version ?? latest.version;
}

/** `hazard/<hash>/`: from the code version and every step's run prefix (each a hash of its inputs). */
function runKey(codeVersion: string, request: PublishRequest): string {
  const prefixes = Object.entries(resultsByGroup(request.input.results))
    .map(([group, r]) => `${group}=${r.runPrefix}`)
    .sort();
  return createHash("sha256")
    .update([codeVersion, ...prefixes].join("\n"))
    .digest("hex")
    .slice(0, 32);
}

/** Every S3 object the machine input names, with its SHA-256 and size (streamed). */
async function hashInputs(client: ReturnType<typeof createS3Client>, input: PublishRequest["input"]) {
  const named: [string, string][] = [
    ["dem", input.dem],
    ["krige.samples", input.krige.samples],
  ];
  for (const part of ["stability", "groundMotion", "newmark", "susceptibility", "hazard"] as const) {
    for (const [name, value] of Object.entries(input[part]?.inputs ?? {})) {
      const uris = ([] as unknown[]).concat(value).filter((v): v is string => typeof v === "string");
      uris.forEach((u, i) => {
        named.push([`${part}.${name}${uris.length > 1 ? `[${i}]` : ""}`, u]);
      });
    }
  }
  const hashed = [];
  for (const [name, uri] of named) {
    const { bucket, key } = parseS3Uri(uri.split("#")[0]);
    hashed.push({ name, uri, ...(await hashObject(client, bucket, key)) });
  }
  return hashed;
}

function withoutResults(input: PublishRequest["input"]): unknown {
  const { results: _, ...rest } = input as Record<string, unknown>;
  return rest;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
