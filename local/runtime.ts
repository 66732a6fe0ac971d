import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { S3Client } from "@aws-sdk/client-s3";
import { InputError } from "../core/errors.ts";
import { closeServer, startApiServer } from "./api-server.ts";
import { type AppModel, buildAppModel } from "./app-model.ts";
import { type BatchJob, LocalBatchRunner } from "./batch-runner.ts";
import { matchesPattern, s3EventBridgeEvent, targetInput } from "./events.ts";
import { ExecutionStore } from "./executions.ts";
import { Executor } from "./executor.ts";
import { LOCAL_REGION, type LocalS3, type S3NotificationRecord, startLocalS3 } from "./s3-server.ts";
import type { Credentials } from "./sigv4.ts";
import {
  createStateFolder,
  createWorkRoot,
  stateFolderCredentials,
  writePrivateJson,
} from "./state-folder.ts";
import { readAssemblyTemplates, type StackTemplates, synthesizeTemplates } from "./templates.ts";

export interface RuntimeOptions {
  /** Folder with functions/ and containers/ (default: the current folder). */
  projectRoot?: string;
  /** The app's templates; default: infra/app.ts createApp() synthesized (stage `local`). */
  templates?: StackTemplates;
  /** Or read them from this cloud assembly folder (what `cdk synth` writes). */
  assemblyDir?: string;
  /** Runtime state (S3 objects, executions, runtime.json); default `<projectRoot>/.quakeslide`. */
  stateDir?: string;
  /** Ports for S3 and the Step Functions/Lambda API; 0 (default) takes free ones. */
  s3Port?: number;
  apiPort?: number;
  maxConcurrentJobs?: number;
  onJobAttemptStarted?: (job: BatchJob, pid: number | undefined) => void;
}

/** Written to `<stateDir>/runtime.json` (mode 0600) while the runtime runs, so other processes find it. */
export interface RuntimeEndpoints {
  s3: string;
  api: string;
  region: string;
  pid: number;
  /** Bucket names by construct id (DataBucket, ResultsBucket). */
  buckets: Record<string, string>;
  /** The key pair both endpoints require (SigV4); the state folder's own (credentials.json). */
  credentials: Credentials;
}

/**
 * The embedded runtime: a local S3 server, the app's state machines run by a local interpreter
 * with in-process Lambda handlers and local Batch jobs, EventBridge rules on object writes, and
 * an SFN/Lambda-compatible HTTP API. It sets AWS_ENDPOINT_URL_S3 and the local credentials in
 * this process, so that in-process handlers reach the local S3 with their ordinary SDK code.
 * Both endpoints serve only requests signed with the state folder's key pair (request-guard.ts).
 * Runs that a killed runtime left RUNNING are marked FAILED when the next one starts.
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
      /** The steps' work folder, `<stateDir>/tmp/<pid>`, removed on stop. */
      workRoot: string;
      /** process.env before start() added the endpoints; stop() puts it back. */
      environmentBefore: NodeJS.ProcessEnv;
    },
  ) {}

  static async start(options: RuntimeOptions = {}): Promise<EmbeddedRuntime> {
    const projectRoot = resolve(options.projectRoot ?? ".");
    const stateDir = resolve(options.stateDir ?? join(projectRoot, ".quakeslide"));
    createStateFolder(stateDir);
    refuseSecondRuntime(stateDir);
    const credentials = stateFolderCredentials(stateDir);
    const workRoot = createWorkRoot(stateDir);
    const templates = options.templates ?? (await loadTemplates(projectRoot, stateDir, options.assemblyDir));
    const model = buildAppModel(templates, LOCAL_REGION);
    let dispatch: (record: S3NotificationRecord) => void = () => undefined;
    const s3 = await startLocalS3({
      directory: join(stateDir, "s3"),
      port: options.s3Port,
      buckets: model.buckets.map((b) => b.name),
      onObjectEvent: (record) => dispatch(record),
      credentials,
    });
    const environmentBefore = { ...process.env };
    // Steps make their work folders under QUAKESLIDE_TMPDIR (run-step.ts), jobs under TMPDIR too.
    Object.assign(process.env, s3.environment, { QUAKESLIDE_TMPDIR: workRoot });
    const client = new S3Client(s3.clientConfig);
    const batch = new LocalBatchRunner({
      projectRoot,
      maxConcurrentJobs: options.maxConcurrentJobs,
      environment: { ...s3.environment, QUAKESLIDE_TMPDIR: workRoot, TMPDIR: workRoot },
      onAttemptStarted: options.onJobAttemptStarted,
    });
    const store = new ExecutionStore(stateDir);
    store.failInterrupted();
    const executor = new Executor({ model, projectRoot, batch, s3: client, store, region: LOCAL_REGION });
    const api = await startApiServer({ model, executor, store, credentials, port: options.apiPort });
    // In-process handlers that start executions (the event intake) reach this API, as on AWS.
    process.env.AWS_ENDPOINT_URL_SFN = api.endpoint;
    const endpoints: RuntimeEndpoints = {
      s3: s3.endpoint,
      api: api.endpoint,
      region: LOCAL_REGION,
      pid: process.pid,
      buckets: Object.fromEntries(model.buckets.map((b) => [b.id, b.name])),
      credentials,
    };
    writePrivateJson(join(stateDir, "runtime.json"), endpoints);
    const runtime = new EmbeddedRuntime(model, endpoints, executor, store, {
      s3,
      api: api.server,
      batch,
      client,
      stateDir,
      workRoot,
      environmentBefore,
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
    rmSync(this.parts.workRoot, { recursive: true, force: true });
    // Endpoints and function variables set for the in-process handlers go; what was there stays.
    const before = this.parts.environmentBefore;
    for (const name of Object.keys(process.env)) if (!(name in before)) delete process.env[name];
    Object.assign(process.env, before);
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
        if (machine) startQuietly(() => this.executor.start(machine, input));
        else if (this.model.functions.some((f) => f.arn === target.arn)) {
          this.executor.invoke(target.arn, input).catch(() => undefined); // async invoke: errors stay in the function
        }
      }
    }
  }
}

/** A rule's target that cannot start is dropped, as EventBridge drops it (after its retries) on AWS. */
function startQuietly(start: () => unknown): void {
  try {
    start();
  } catch (error) {
    console.error(`quakeslide runtime: an event's target did not start: ${(error as Error).message}`);
  }
}

/** Two runtimes on one state folder would serve the same objects and executions twice. */
function refuseSecondRuntime(stateDir: string): void {
  const file = join(stateDir, "runtime.json");
  if (!existsSync(file)) return;
  const { pid } = JSON.parse(readFileSync(file, "utf8")) as RuntimeEndpoints;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
  } catch {
    return; // left over from a runtime that ended without cleaning up
  }
  throw new InputError(
    `a runtime (process ${pid}) is already running on ${stateDir}; stop it or choose --state-dir`,
  );
}

/**
 * The app's templates: synthesized from infra/app.ts with cdk.json's context and the `local`
 * stage (the one the app builds for emulators) and cached under `<stateDir>/templates/`, or read
 * from a cloud assembly folder when one is given (a `cdk synth -c quakeslide:stage=local` output).
 */
async function loadTemplates(
  projectRoot: string,
  stateDir: string,
  assemblyDir?: string,
): Promise<StackTemplates> {
  if (assemblyDir) {
    if (!existsSync(join(assemblyDir, "manifest.json"))) {
      throw new InputError(`${assemblyDir} is not a cloud assembly (no manifest.json)`);
    }
    return readAssemblyTemplates(assemblyDir);
  }
  const appFile = join(projectRoot, "infra", "app.ts");
  if (!existsSync(appFile)) throw new InputError(`${appFile} does not exist: no CDK app to run`);
  type Synthesizable = Parameters<typeof synthesizeTemplates>[0];
  const { createApp } = (await import(pathToFileURL(appFile).href)) as {
    createApp: (options: { context: Record<string, unknown> }) => Synthesizable | { app: Synthesizable };
  };
  const cdkJson = join(projectRoot, "cdk.json");
  // Synthesis takes seconds; the templates only change with infra/, cdk.json or package.json.
  const cacheFile = join(stateDir, "templates", `${appFingerprint(projectRoot)}.json`);
  if (existsSync(cacheFile)) return new Map(Object.entries(JSON.parse(readFileSync(cacheFile, "utf8"))));
  const context = existsSync(cdkJson) ? (JSON.parse(readFileSync(cdkJson, "utf8")).context ?? {}) : {};
  const created = createApp({
    // Asset bundling (esbuild, Docker) is for deployment; the runtime runs the sources.
    context: { ...context, "quakeslide:stage": "local", "aws:cdk:bundling-stacks": [] },
  });
  const templates = synthesizeTemplates("app" in created ? created.app : created);
  rmSync(dirname(cacheFile), { recursive: true, force: true }); // older fingerprints are stale
  mkdirSync(dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(Object.fromEntries(templates)));
  return templates;
}

function appFingerprint(projectRoot: string): string {
  const hash = createHash("sha256");
  const files = [
    "cdk.json",
    "package.json",
    ...listFiles(join(projectRoot, "infra")).map((f) => relative(projectRoot, f)),
  ];
  for (const file of files.sort()) {
    const path = join(projectRoot, file);
    hash.update(file).update(existsSync(path) ? readFileSync(path) : "");
  }
  return hash.digest("hex").slice(0, 16);
}

function listFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}
