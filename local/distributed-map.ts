import { randomUUID } from "node:crypto";
import { GetObjectCommand, PutObjectCommand, paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import { StateMachine, type StateMachineDefinition } from "./asl.ts";

type Json = Record<string, unknown>;

/** What the Task standing in for a Distributed Map receives (see asl.ts distributedMapAsTask). */
export interface DistributedMapParameters {
  Input: unknown;
  ReaderParameters?: Json;
  Items?: unknown[];
  MaxConcurrency?: number;
}

export interface DistributedMapContext {
  s3: S3Client;
  /** Runs one child workflow (the ItemProcessor) on one item, as AWS runs a child execution. */
  runChild: (definition: Json, input: unknown, index: number) => Promise<unknown>;
  /** Upper bound on simultaneous children when the Map sets no MaxConcurrency (0 = no limit). */
  defaultConcurrency: number;
  /** The parent execution's context object ($$), which ItemSelector may read. */
  executionContext: object;
}

class ToleratedFailureThresholdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "States.ExceedToleratedFailureThreshold";
  }
}

/**
 * Runs a Distributed Map state as AWS documents it: items from the ItemReader (S3 JSON, CSV or
 * object listing) or the input, ItemSelector, ItemBatcher, one child workflow per item or batch
 * with at most MaxConcurrency at once, the tolerated failure count/percentage, and ResultWriter.
 */
export async function runDistributedMap(
  map: Json,
  parameters: DistributedMapParameters,
  context: DistributedMapContext,
) {
  const reader = map.ItemReader as Json | undefined;
  let items = reader
    ? await readItems(context.s3, reader, parameters.ReaderParameters ?? {})
    : (parameters.Items ?? []);
  if (!Array.isArray(items)) throw new Error("States.Runtime: the Distributed Map's items are not an array");
  const selected = await Promise.all(
    items.map((item, index) =>
      selectItem(map.ItemSelector, parameters.Input, item, index, context.executionContext),
    ),
  );
  items = batchItems(map.ItemBatcher as Json | undefined, selected);

  const processor = { ...(map.ItemProcessor as Json) };
  delete processor.ProcessorConfig;
  const limit = parameters.MaxConcurrency ?? (map.MaxConcurrency as number | undefined) ?? 0;
  const concurrency = limit > 0 ? limit : context.defaultConcurrency || items.length;
  const results: { status: "SUCCEEDED" | "FAILED"; output?: unknown; error?: string; cause?: string }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = {
          status: "SUCCEEDED",
          output: await context.runChild(processor, items[index], index),
        };
      } catch (error) {
        const e = error as Error;
        results[index] = { status: "FAILED", error: e.name, cause: e.message };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));

  const failed = results.filter((r) => r.status === "FAILED").length;
  checkTolerance(map, failed, items.length);
  const writer = map.ResultWriter as { Parameters?: { Bucket?: string; Prefix?: string } } | undefined;
  if (writer?.Parameters?.Bucket) return writeResults(context.s3, writer.Parameters, results);
  return results.map((r) => (r.status === "SUCCEEDED" ? r.output : { Error: r.error, Cause: r.cause }));
}

function checkTolerance(map: Json, failed: number, total: number): void {
  if (failed === 0) return;
  const count = map.ToleratedFailureCount as number | undefined;
  const percentage = map.ToleratedFailurePercentage as number | undefined;
  const withinCount = count !== undefined && failed <= count;
  const withinPercentage = percentage !== undefined && (100 * failed) / total <= percentage;
  if (!withinCount && !withinPercentage) {
    throw new ToleratedFailureThresholdError(
      `${failed} of ${total} items failed; tolerated: ${count ?? 0} items or ${percentage ?? 0}%`,
    );
  }
}

async function readItems(s3: S3Client, reader: Json, parameters: Json): Promise<unknown[]> {
  const resource = String(reader.Resource);
  const config = (reader.ReaderConfig ?? {}) as {
    InputType?: string;
    MaxItems?: number;
    CSVHeaderLocation?: string;
  };
  const bucket = String(parameters.Bucket);
  let items: unknown[];
  if (resource.endsWith(":s3:listObjectsV2")) {
    items = [];
    const pages = paginateListObjectsV2(
      { client: s3 },
      { Bucket: bucket, Prefix: parameters.Prefix as string },
    );
    for await (const page of pages) {
      for (const o of page.Contents ?? []) {
        items.push({ Key: o.Key, Size: o.Size, Etag: o.ETag, LastModified: o.LastModified?.toISOString() });
      }
    }
  } else {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: String(parameters.Key) }));
    const text = await object.Body!.transformToString();
    items =
      config.InputType === "CSV"
        ? parseCsv(text, (config as Json).CSVHeaders as string[] | undefined)
        : JSON.parse(text);
  }
  return config.MaxItems ? items.slice(0, config.MaxItems) : items;
}

/** CSV as the ItemReader reads it: the first row names the columns (unless CSVHeaders does), values stay strings. */
function parseCsv(text: string, headers?: string[]): Json[] {
  const rows = text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line) => line.split(","));
  const names = headers ?? rows.shift() ?? [];
  return rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row[i] ?? ""])));
}

async function selectItem(
  selector: unknown,
  input: unknown,
  value: unknown,
  index: number,
  executionContext: object,
): Promise<unknown> {
  if (!selector) return value;
  // ItemSelector may use $ (the Map's input) and $$.Map.Item.*: let the interpreter evaluate it.
  const definition = {
    StartAt: "Select",
    States: { Select: { Type: "Pass", Parameters: selector, End: true } },
  };
  const machine = new StateMachine(definition as StateMachineDefinition, {
    validationOptions: { noValidate: true },
  });
  const context = { ...executionContext, Map: { Item: { Index: index, Value: value } } };
  return machine.run(input as never, { context: context as never }).result;
}

function batchItems(batcher: Json | undefined, items: unknown[]): unknown[] {
  const size = batcher?.MaxItemsPerBatch as number | undefined;
  if (!size) return items;
  const batches = [];
  for (let i = 0; i < items.length; i += size) {
    batches.push({
      Items: items.slice(i, i + size),
      ...(batcher?.BatchInput ? { BatchInput: batcher.BatchInput } : {}),
    });
  }
  return batches;
}

async function writeResults(
  s3: S3Client,
  target: { Bucket?: string; Prefix?: string },
  results: { status: string; output?: unknown; error?: string; cause?: string }[],
) {
  const mapRunId = randomUUID();
  const prefix = `${target.Prefix ? `${target.Prefix.replace(/\/$/, "")}/` : ""}${mapRunId}`;
  const put = (key: string, body: unknown) =>
    s3.send(new PutObjectCommand({ Bucket: target.Bucket, Key: key, Body: JSON.stringify(body) }));
  const files = [];
  for (const status of ["SUCCEEDED", "FAILED"]) {
    const entries = results.filter((r) => r.status === status);
    if (entries.length === 0) continue;
    const key = `${prefix}/${status}_0.json`;
    await put(
      key,
      entries.map((r) => ({
        Status: status,
        Output: JSON.stringify(r.output ?? null),
        Error: r.error,
        Cause: r.cause,
      })),
    );
    files.push({ Key: key, Size: entries.length });
  }
  const manifestKey = `${prefix}/manifest.json`;
  await put(manifestKey, { DestinationBucket: target.Bucket, MapRunArn: mapRunId, ResultFiles: files });
  return { MapRunArn: mapRunId, ResultWriterDetails: { Bucket: target.Bucket, Key: manifestKey } };
}
