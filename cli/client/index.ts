import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetObjectCommand, PutObjectCommand, paginateListObjectsV2, S3Client } from "@aws-sdk/client-s3";
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  paginateListStateMachines,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { InputError, InternalError } from "../../core/errors.ts";
import { canonicalJson } from "../../core/util/canonical-json.ts";
import { flowInputProblem } from "../../functions/shared/machines.ts";
import { executionNameProblem } from "../../local/execution-names.ts";
import { signRequest } from "../../local/sigv4.ts";
import { type ClientOptions, type ResolvedConfig, resolveClientConfig } from "./config.ts";

export { type ClientOptions, parseTarget, TARGETS, type Target } from "./config.ts";

export type RunStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED" | "PENDING_REDRIVE";

export interface Run {
  /** The execution ARN: what getRun, waitForRun and logs take. */
  id: string;
  flow: string;
  status: RunStatus;
  startDate?: Date;
  stopDate?: Date;
  input?: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
}

export interface RunEvent {
  timestamp: string;
  type: string;
  state?: string;
  detail?: string;
}

export interface OutputObject {
  key: string;
  size: number;
  lastModified?: Date;
}

export type ProgressCallback = (fraction: number | undefined, message: string) => void;

/**
 * The typed client scripts use: the same calls against the embedded runtime, LocalStack or AWS,
 * chosen by `target` and the standard AWS configuration (endpoint variables, profiles).
 */
export class Quakeslide {
  readonly config: ResolvedConfig;
  private readonly s3: S3Client;
  private readonly sfn: SFNClient;
  private readonly lambda: LambdaClient;

  constructor(options: ClientOptions = {}) {
    this.config = resolveClientConfig(options);
    this.s3 = new S3Client(this.config.s3);
    this.sfn = new SFNClient(this.config.sfn);
    this.lambda = new LambdaClient(this.config.lambda);
  }

  /** Uploads a local file (or bytes) to the data bucket; returns its s3:// URI. */
  async upload(source: string | Uint8Array, key: string): Promise<string> {
    const bucket = this.bucket("data");
    const body = typeof source === "string" ? readFileSync(source) : source;
    await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    return `s3://${bucket}/${key}`;
  }

  /**
   * Starts a flow (a state machine name such as `hazard-pipeline`) with a JSON input, checked
   * first against the flow's schema (FLOW_INPUT_SCHEMAS). With a `name` that already ran with
   * the same input, returns that run with its real status (as on AWS, a name is used once per
   * flow); with another input, an InputError.
   */
  async startRun(flow: string, input: unknown, options: { name?: string } = {}): Promise<Run> {
    const { name } = options;
    const nameProblem = name === undefined ? undefined : executionNameProblem(name);
    if (nameProblem) throw new InputError(`run name ${JSON.stringify(name)} is not valid: ${nameProblem}`);
    const stateMachineArn = await this.findFlow(flow);
    const inputProblem = flowInputProblem(stateMachineArn.split(":").at(-1)!, input ?? {});
    if (inputProblem) throw new InputError(inputProblem);
    try {
      const started = await this.sfn.send(
        new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input ?? {}), name }),
      );
      return { id: started.executionArn!, flow, status: "RUNNING", startDate: started.startDate, input };
    } catch (error) {
      const { name: type, message } = error as Error;
      if (type === "ExecutionAlreadyExists" && name !== undefined) {
        const existing = await this.getRun(
          `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`,
        );
        if (canonicalJson(existing.input) === canonicalJson(input ?? {})) return { ...existing, flow };
        throw new InputError(
          `flow ${flow} already has a run named ${name} (${existing.status}) with another input; choose another name`,
        );
      }
      if (type === "InvalidExecutionInput" || type === "InvalidName") throw new InputError(message);
      throw error;
    }
  }

  /** Stops a running run; it ends ABORTED. */
  async stopRun(runId: string): Promise<void> {
    await this.sfn.send(new StopExecutionCommand({ executionArn: runId }));
  }

  async getRun(runId: string): Promise<Run> {
    try {
      const e = await this.sfn.send(new DescribeExecutionCommand({ executionArn: runId }));
      return {
        id: e.executionArn!,
        flow: e.stateMachineArn!.split(":").at(-1)!,
        status: e.status as RunStatus,
        startDate: e.startDate,
        stopDate: e.stopDate,
        input: e.input ? JSON.parse(e.input) : undefined,
        output: e.output ? JSON.parse(e.output) : undefined,
        error: e.error,
        cause: e.cause,
      };
    } catch (error) {
      if ((error as Error).name === "ExecutionDoesNotExist") throw new InputError(`no run ${runId}`);
      throw error;
    }
  }

  /** Polls until the run ends; `onProgress` hears the fraction of states done (when known). */
  async waitForRun(
    runId: string,
    options: { onProgress?: ProgressCallback; pollMs?: number } = {},
  ): Promise<Run> {
    for (;;) {
      const run = await this.poll(runId, options.onProgress);
      if (run.status !== "RUNNING") {
        options.onProgress?.(1, run.status);
        return run;
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
    }
  }

  /** One look at a run (and its progress); a runtime that stopped answering is an error, not a wait. */
  private async poll(runId: string, onProgress?: ProgressCallback): Promise<Run> {
    try {
      const run = await this.getRun(runId);
      if (run.status === "RUNNING" && onProgress) {
        const last = (await this.logs(runId)).at(-1);
        onProgress(
          await this.progressOf(runId),
          last ? `${last.type} ${last.state ?? ""}`.trim() : "RUNNING",
        );
      }
      return run;
    } catch (error) {
      if (this.config.target !== "embedded" || !runtimeGone(error)) throw error;
      throw new InputError(
        `the embedded runtime stopped answering while waiting for ${runId}; start it again (quakeslide up) and ask \`quakeslide status\`: a run it left in flight is reported FAILED`,
      );
    }
  }

  /** The run's history: each state entered, exited, retried, caught or failed, oldest first. */
  async logs(runId: string): Promise<RunEvent[]> {
    const record = await this.embeddedRecord(runId);
    if (record) {
      return record.history.map((e) => ({
        timestamp: e.timestamp,
        type: e.type,
        state: e.state,
        detail: summarizeDetail(e.detail),
      }));
    }
    const events: RunEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.sfn.send(new GetExecutionHistoryCommand({ executionArn: runId, nextToken }));
      for (const e of page.events ?? []) {
        const { timestamp, type, id: _id, previousEventId: _previous, ...details } = e;
        const detail = Object.values(details).find((d) => d && typeof d === "object") as
          | Record<string, unknown>
          | undefined;
        events.push({
          timestamp: timestamp!.toISOString(),
          type: type!,
          state: detail?.name as string,
          detail: summarizeDetail(detail),
        });
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }

  /** Objects in the results bucket under `prefix`. */
  async listOutputs(prefix = ""): Promise<OutputObject[]> {
    const objects: OutputObject[] = [];
    for await (const page of paginateListObjectsV2(
      { client: this.s3 },
      { Bucket: this.bucket("results"), Prefix: prefix },
    )) {
      for (const o of page.Contents ?? [])
        objects.push({ key: o.Key!, size: o.Size ?? 0, lastModified: o.LastModified });
    }
    return objects;
  }

  /** Downloads one object of the results bucket to a local file. */
  async download(key: string, localPath: string): Promise<void> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket("results"), Key: key }));
    mkdirSync(dirname(localPath), { recursive: true });
    await pipeline(object.Body as Readable, createWriteStream(localPath));
  }

  /** Invokes one function of the app synchronously; a function error becomes a thrown Error. */
  async invoke(functionName: string, payload: unknown): Promise<unknown> {
    const response = await this.lambda.send(
      new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(payload ?? null) }),
    );
    const text = response.Payload ? Buffer.from(response.Payload).toString("utf8") : "null";
    const result = JSON.parse(text || "null");
    if (response.FunctionError) {
      throw Object.assign(new Error(result?.errorMessage ?? text), { name: result?.errorType ?? "Error" });
    }
    return result;
  }

  /** The embedded runtime's own record (with its failure reason), when the target is embedded. */
  async embeddedRecord(runId: string): Promise<EmbeddedRecord | undefined> {
    const embedded = this.config.embedded;
    if (!embedded) return undefined;
    const url = `${embedded.api}/quakeslide/executions/${encodeURIComponent(runId)}`;
    // Signed like every request to the runtime (SigV4, the Step Functions signing name).
    const { host: _, ...headers } = signRequest(
      { method: "GET", url },
      { credentials: embedded.credentials, region: embedded.region, service: "states" },
    );
    const response = await fetch(url, { headers });
    if (response.status === 404) throw new InputError(`no run ${runId}`);
    if (!response.ok)
      throw new InternalError(`the embedded runtime answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as EmbeddedRecord;
  }

  destroy(): void {
    this.s3.destroy();
    this.sfn.destroy();
    this.lambda.destroy();
  }

  private async progressOf(runId: string): Promise<number | undefined> {
    const record = await this.embeddedRecord(runId);
    return record ? record.completedStates.length / Math.max(1, record.totalStates) : undefined;
  }

  private async findFlow(flow: string): Promise<string> {
    if (flow.startsWith("arn:")) return flow;
    const names: string[] = [];
    for await (const page of paginateListStateMachines({ client: this.sfn }, {})) {
      for (const m of page.stateMachines ?? []) {
        if (m.name === flow || m.name!.endsWith(`-${flow}`)) return m.stateMachineArn!;
        names.push(m.name!);
      }
    }
    throw new InputError(
      `no flow "${flow}" (the ${this.config.target} target has: ${names.join(", ") || "none"})`,
    );
  }

  private bucket(which: "data" | "results"): string {
    const name = which === "data" ? this.config.dataBucket : this.config.resultsBucket;
    const variable = which === "data" ? "QUAKESLIDE_DATA_BUCKET" : "QUAKESLIDE_RESULTS_BUCKET";
    if (!name)
      throw new InputError(
        `the ${which} bucket is not known for target ${this.config.target}: set ${variable}`,
      );
    return name;
  }
}

/** The embedded runtime's execution record (see local/executions.ts). */
export interface EmbeddedRecord {
  status: RunStatus;
  completedStates: string[];
  totalStates: number;
  history: { timestamp: string; type: string; state?: string; detail?: Record<string, unknown> }[];
  failure?: {
    state?: string;
    error: string;
    cause: string;
    job?: { jobId: string; exitCode: number | null; statusReason?: string; logTail: string };
  };
}

/**
 * Codes of a runtime that went away: refused when it is already gone, reset or cut mid-request
 * when it dies while answering. The SDK reports them as `code`; fetch as its `cause`'s code.
 */
const RUNTIME_GONE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);

function runtimeGone(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } } | undefined;
  return RUNTIME_GONE_CODES.has(e?.code ?? "") || RUNTIME_GONE_CODES.has(e?.cause?.code ?? "");
}

function summarizeDetail(detail: Record<string, unknown> | undefined): string | undefined {
  if (!detail) return undefined;
  const { state: _state, input: _input, output: _output, ...rest } = detail;
  const text = JSON.stringify(rest);
  return text === "{}" ? undefined : text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
