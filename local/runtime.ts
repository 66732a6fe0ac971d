import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { S3Client } from "@aws-sdk/client-s3";
import { type AppModel, buildAppModel } from "./app-model.ts";
import { closeServer, startApiServer } from "./api-server.ts";
import { type BatchJob, LocalBatchRunner } from "./batch-runner.ts";
import { matchesPattern, s3EventBridgeEvent, targetInput } from "./events.ts";
import { ExecutionStore } from "./executions.ts";
import { Executor } from "./executor.ts";
import { LOCAL_REGION, type LocalS3, type S3NotificationRecord, startLocalS3 } from "./s3-server.ts";
import { readAssemblyTemplates, type StackTemplates, synthesizeTemplates } from "./templates.ts";

export interface RuntimeOptions {
  /** Folder with functions/ and containers/ (default: the current folder). */
  projectRoot?: string;
  /** The app's templates; default: cdk.out/ when present, else infra/app.ts createApp() synthesized. */
  templates?: StackTemplates;
  /** Runtime state (S3 objects, executions, runtime.json); default `<projectRoot>/.quakeslide`. */
  stateDir?: string;
  /** Ports for S3 and the Step Functions/Lambda API; 0 (default) takes free ones. */
  s3Port?: number;
  apiPort?: number;
  maxConcurrentJobs?: number;
  onJobAttemptStarted?: (job: BatchJob, pid: number | undefined) => void;
}

/** Written to `<stateDir>/runtime.json` while the runtime runs, so other processes find it. */
export interface RuntimeEndpoints {
  s3: string;
  api: string;
  region: string;
  pid: number;
  /** Bucket names by construct id (DataBucket, ResultsBucket). */
  buckets: Record<string, string>;
}

/**
 * The embedded runtime: a local S3 server, the app's state machines run by a local interpreter
 * with in-process Lambda handlers and local Batch jobs, EventBridge rules on object writes, and
 * an SFN/Lambda-compatible HTTP API. It sets AWS_ENDPOINT_URL_S3 and the local credentials in
 * this process, so that in-process handlers reach the local S3 with their ordinary SDK code.
 */
export class EmbeddedRuntime {
  private constructor(
    readonly model: AppModel,
    readonly endpoints: RuntimeEndpoints,
    readonly executor: Executor,
    readonly store: ExecutionStore,
    private readonly parts: {
      s3: LocalS3;
      api: Server;
      batch: LocalBatchRunner;
      client: S3Client;
      stateDir: string;
    },
  ) {}

  static async start(options: RuntimeOptions = {}): Promise<EmbeddedRuntime> {
    const projectRoot = resolve(options.projectRoot ?? ".");
    const stateDir = resolve(options.stateDir ?? join(projectRoot, ".quakeslide"));
    mkdirSync(stateDir, { recursive: true });
    const templates = options.templates ?? (await loadTemplates(projectRoot));
    const model = buildAppModel(templates, LOCAL_REGION);
    let dispatch: (record: S3NotificationRecord) => void = () => undefined;
    const s3 = await startLocalS3({
      directory: join(stateDir, "s3"),
      port: options.s3Port,
      buckets: model.buckets.map((b) => b.name),
      onObjectEvent: (record) => dispatch(record),
    });
    Object.assign(process.env, s3.environment);
    const client = new S3Client(s3.clientConfig);
    const batch = new LocalBatchRunner({
      projectRoot,
      maxConcurrentJobs: options.maxConcurrentJobs,
      environment: s3.environment,
      onAttemptStarted: options.onJobAttemptStarted,
    });
    const store = new ExecutionStore(stateDir);
    const executor = new Executor({ model, projectRoot, batch, s3: client, store, region: LOCAL_REGION });
    const api = await startApiServer(model, executor, store, options.apiPort);
    const endpoints: RuntimeEndpoints = {
      s3: s3.endpoint,
      api: api.endpoint,
      region: LOCAL_REGION,
      pid: process.pid,
      buckets: Object.fromEntries(model.buckets.map((b) => [b.id, b.name])),
    };
    writeFileSync(join(stateDir, "runtime.json"), JSON.stringify(endpoints, null, 1));
    const runtime = new EmbeddedRuntime(model, endpoints, executor, store, {
      s3,
      api: api.server,
      batch,
      client,
      stateDir,
    });
    dispatch = (record) => runtime.deliverEvent(record);
    return runtime;
  }

  /** Environment that points AWS SDKs and boto3 at this runtime. */
  get environment(): Record<string, string> {
    return {
      ...this.parts.s3.environment,
      AWS_ENDPOINT_URL_SFN: this.endpoints.api,
      AWS_ENDPOINT_URL_LAMBDA: this.endpoints.api,
    };
  }

  get s3Client(): S3Client {
    return this.parts.client;
  }

  bucketName(id: string): string {
    const bucket = this.model.buckets.find((b) => b.id === id);
    if (!bucket)
      throw new Error(
        `the app has no bucket ${id} (it has ${this.model.buckets.map((b) => b.id).join(", ")})`,
      );
    return bucket.name;
  }

  /** Stops everything: executions aborted, jobs killed, ports freed, runtime.json removed. */
  async stop(): Promise<void> {
    await this.parts.batch.stop();
    await this.executor.stopAll();
    await closeServer(this.parts.api);
    this.parts.client.destroy();
    await this.parts.s3.close();
    rmSync(join(this.parts.stateDir, "runtime.json"), { force: true });
  }

  /** EventBridge: each enabled rule whose pattern matches starts its targets (at least once). */
  private deliverEvent(record: S3NotificationRecord): void {
    const event = s3EventBridgeEvent(record, this.endpoints.region);
    if (!event) return;
    for (const rule of this.model.rules) {
      if (!matchesPattern(rule.eventPattern, event)) continue;
      for (const target of rule.targets) {
        const machine = this.model.stateMachines.find((m) => m.arn === target.arn);
        const input = targetInput(target, event);
        if (machine) this.executor.start(machine, input);
        else if (this.model.functions.some((f) => f.arn === target.arn)) {
          this.executor.invoke(target.arn, input).catch(() => undefined); // async invoke: errors stay in the function
        }
      }
    }
  }
}

async function loadTemplates(projectRoot: string): Promise<StackTemplates> {
  const assembly = join(projectRoot, "cdk.out");
  if (existsSync(join(assembly, "manifest.json"))) return readAssemblyTemplates(assembly);
  const appFile = join(projectRoot, "infra", "app.ts");
  if (!existsSync(appFile)) throw new Error(`no cdk.out/ and no ${appFile}: nothing to run`);
  type Synthesizable = Parameters<typeof synthesizeTemplates>[0];
  const { createApp } = (await import(pathToFileURL(appFile).href)) as {
    createApp: (options: { context: Record<string, unknown> }) => Synthesizable | { app: Synthesizable };
  };
  // The `local` stage is the one the app builds for emulators.
  // Asset bundling (esbuild, Docker) is for deployment; the runtime runs the sources.
  const created = createApp({ context: { "quakeslide:stage": "local", "aws:cdk:bundling-stacks": [] } });
  return synthesizeTemplates("app" in created ? created.app : created);
}
