import { randomUUID } from "node:crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import type { AppModel, FunctionModel, JobDefinitionModel, StateMachineModel } from "./app-model.ts";
import {
  DISTRIBUTED_MAP_RESOURCE,
  prepareDefinition,
  StateMachine,
  type StateMachineDefinition,
} from "./asl.ts";
import type { BatchJob, LocalBatchRunner } from "./batch-runner.ts";
import { runDistributedMap } from "./distributed-map.ts";
import { executionNameProblem, invalidNameError } from "./execution-names.ts";
import type { ExecutionRecord, ExecutionStore, FailureReason, HistoryEvent } from "./executions.ts";
import { invokeLocalFunction } from "./lambda-invoker.ts";

type Json = Record<string, unknown>;
type TaskHandler = (input: unknown) => Promise<unknown>;

export interface ExecutorOptions {
  model: AppModel;
  projectRoot: string;
  batch: LocalBatchRunner;
  s3: S3Client;
  store: ExecutionStore;
  region: string;
}

/** A Batch job that ended FAILED, as the Task reports it to Retry/Catch: States.TaskFailed. */
class BatchJobFailedError extends Error {
  constructor(readonly job: BatchJob) {
    super(JSON.stringify(describeJob(job)));
    this.name = "States.TaskFailed";
  }
}

/**
 * Runs state machine executions from the app's synthesized definitions: Lambda Tasks call the
 * handlers in this process, Batch Tasks go to the local runner, Distributed Maps to
 * distributed-map.ts; every event is recorded in the execution's history.
 */
export class Executor {
  private readonly running = new Map<string, { done: Promise<ExecutionRecord>; abort: () => void }>();
  private readonly aborted = new Set<string>();
  private readonly validated = new WeakSet<object>();

  constructor(private readonly options: ExecutorOptions) {}

  /**
   * Starts an execution and returns at once; `wait` resolves when it ends. Names are unique per
   * state machine, as on AWS: the same name and input as a running execution is that execution
   * (an idempotent retry); otherwise a known name is ExecutionAlreadyExists.
   */
  start(machine: StateMachineModel, input: unknown, name: string = randomUUID()): ExecutionRecord {
    const problem = executionNameProblem(name);
    if (problem) throw invalidNameError(name, problem);
    const executionId = `${machine.name}:${name}`;
    const existing = this.options.store.get(executionId);
    if (existing) {
      if (existing.status === "RUNNING" && JSON.stringify(existing.input) === JSON.stringify(input))
        return existing;
      throw Object.assign(
        new Error(`an execution named ${name} of ${machine.name} already exists (${existing.status})`),
        { name: "ExecutionAlreadyExists" },
      );
    }
    const record: ExecutionRecord = {
      executionArn: `${machine.arn.replace(":stateMachine:", ":execution:")}:${name}`,
      executionId,
      name,
      stateMachineArn: machine.arn,
      flow: machine.name,
      status: "RUNNING",
      input,
      startDate: new Date().toISOString(),
      completedStates: [],
      totalStates: Object.keys(machine.definition.States as Json).length,
      history: [],
      runtimePid: process.pid,
    };
    this.options.store.create(record);
    const failedJobs = new Map<string, BatchJob>();
    const onEvent = (event: Omit<HistoryEvent, "id" | "timestamp">) =>
      this.options.store.update(executionId, (r) => {
        r.history.push({ id: r.history.length + 1, timestamp: new Date().toISOString(), ...event });
        if (event.type === "StateExited" && event.detail?.index === undefined && event.state) {
          if (!r.completedStates.includes(event.state)) r.completedStates.push(event.state);
        }
      });
    const context = executionContext(machine, record);
    const { result, abort } = this.runDefinition(machine.definition, input, onEvent, failedJobs, context);
    const done = result.then(
      (output) => this.finish(executionId, { status: "SUCCEEDED", output }),
      () =>
        this.aborted.delete(executionId)
          ? this.finish(executionId, { status: "ABORTED" })
          : this.finish(executionId, {
              status: "FAILED",
              failure: this.failureReason(executionId, failedJobs),
            }),
    );
    this.running.set(executionId, { done, abort });
    return record;
  }

  /** Resolves with the record when the execution (by id or ARN) has ended. */
  async wait(reference: string): Promise<ExecutionRecord> {
    const record = this.options.store.get(reference);
    if (!record) throw new Error(`ExecutionDoesNotExist: ${reference}`);
    return this.running.get(record.executionId)?.done ?? record;
  }

  /**
   * Aborts a running execution (StopExecution); it ends ABORTED. A Batch job it started runs on
   * to its end (or until the runtime stops), as a Batch job outlives its execution on AWS.
   */
  stop(executionId: string): boolean {
    const running = this.running.get(executionId);
    if (!running) return false;
    this.aborted.add(executionId);
    running.abort();
    return true;
  }

  /** Aborts every running execution (the runtime is stopping). */
  async stopAll(): Promise<void> {
    const stopping = [...this.running.entries()];
    for (const [executionId] of stopping) this.stop(executionId);
    await Promise.allSettled(stopping.map(([, r]) => r.done));
  }

  /** Invokes a function of the app by name or ARN, as Lambda's Invoke does. */
  invoke(functionName: string, payload: unknown): Promise<unknown> {
    return invokeLocalFunction(this.options.projectRoot, this.findFunction(functionName), payload);
  }

  /** Error and cause as the interpreter reported them, the state that failed, and the job's story. */
  private failureReason(executionId: string, failedJobs: Map<string, BatchJob>): FailureReason {
    const history = this.options.store.get(executionId)?.history ?? [];
    const failed = history.filter((e) => e.type === "ExecutionFailed").at(-1)?.detail ?? {};
    const state = originOfFailure(history, failed.Error);
    const failure: FailureReason = {
      state,
      error: String(failed.Error ?? "States.Runtime"),
      cause: causeText(failed.Cause),
    };
    const job = state ? failedJobs.get(state) : undefined;
    if (job) {
      const last = job.attempts.at(-1);
      failure.job = {
        jobId: job.jobId,
        exitCode: last?.exitCode ?? null,
        statusReason: job.statusReason,
        logTail: job.logTail,
      };
    }
    return failure;
  }

  private finish(executionId: string, change: Partial<ExecutionRecord>): ExecutionRecord {
    let finished: ExecutionRecord | undefined;
    this.options.store.update(executionId, (r) => {
      Object.assign(r, change, { stopDate: new Date().toISOString() });
      finished = r;
    });
    this.running.delete(executionId);
    return finished!;
  }

  private runDefinition(
    definition: Json,
    input: unknown,
    onEvent: (event: Omit<HistoryEvent, "id" | "timestamp">) => void,
    failedJobs: Map<string, BatchJob>,
    context: ExecutionContext,
  ) {
    const handlers: Record<string, TaskHandler> = {};
    this.collectHandlers(definition, handlers, onEvent, failedJobs, context);
    // Validation costs ~50 ms per construction: once per definition, not once per Map item.
    const validationOptions = this.validated.has(definition)
      ? { noValidate: true }
      : { checkArn: false, checkPaths: false };
    const machine = new StateMachine(prepareDefinition(definition) as unknown as StateMachineDefinition, {
      validationOptions,
    });
    this.validated.add(definition);
    const execution = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never },
      context: context as never,
    });
    const recording = (async () => {
      for await (const event of execution.eventLogs) {
        const { type, timestamp: _, ...detail } = event as unknown as Json & { type: string };
        const state = (detail.state as { name?: string } | undefined)?.name;
        onEvent({ type, state, detail });
      }
    })();
    // The library wraps the failing state's error in an ExecutionError; callers want the original.
    const result = execution.result
      .catch((error: Error) => {
        throw error.name === "ExecutionError" && error.cause instanceof Error ? error.cause : error;
      })
      .finally(() => recording);
    return { result, abort: execution.abort };
  }

  /** One handler per Task state (the library keys them by state name), nested states included. */
  private collectHandlers(
    definition: Json,
    handlers: Record<string, TaskHandler>,
    onEvent: (event: Omit<HistoryEvent, "id" | "timestamp">) => void,
    failedJobs: Map<string, BatchJob>,
    context: ExecutionContext,
  ): void {
    for (const [name, state] of Object.entries(definition.States as Record<string, Json>)) {
      if (state.Type === "Task") handlers[name] = this.taskHandler(name, String(state.Resource), failedJobs);
      if (state.Type === "Parallel") {
        for (const branch of state.Branches as Json[])
          this.collectHandlers(branch, handlers, onEvent, failedJobs, context);
      }
      if (state.Type !== "Map") continue;
      const processor = (state.ItemProcessor ?? state.Iterator) as Json;
      if ((processor.ProcessorConfig as Json | undefined)?.Mode === "DISTRIBUTED") {
        handlers[name] = (parameters) =>
          runDistributedMap(state, parameters as never, {
            s3: this.options.s3,
            defaultConcurrency: 40,
            executionContext: context,
            runChild: (child, item, index) => {
              const recordChild = (event: Omit<HistoryEvent, "id" | "timestamp">) =>
                onEvent({ ...event, detail: { ...event.detail, mapRun: name, index } });
              // Each item runs as a child execution on AWS, with its own name and input.
              const childName = `${context.Execution.Name}-${name}-${index}`.slice(0, 80);
              const childContext = {
                ...context,
                Execution: {
                  ...context.Execution,
                  Id: `${context.Execution.Id}-${name}-${index}`,
                  Name: childName,
                  Input: item,
                },
              };
              return this.runDefinition(child, item, recordChild, failedJobs, childContext).result;
            },
          });
      } else {
        this.collectHandlers(processor, handlers, onEvent, failedJobs, context);
      }
    }
  }

  private taskHandler(stateName: string, resource: string, failedJobs: Map<string, BatchJob>): TaskHandler {
    if (resource.startsWith("arn:aws:states:::lambda:invoke")) {
      return async (input) => {
        const { FunctionName, Payload } = input as { FunctionName: string; Payload?: unknown };
        const output = await this.invoke(FunctionName, Payload ?? null);
        return { StatusCode: 200, ExecutedVersion: "$LATEST", Payload: output };
      };
    }
    if (resource.includes(":lambda:") && resource.includes(":function:")) {
      return (input) => this.invoke(resource, input);
    }
    if (resource.startsWith("arn:aws:states:::batch:submitJob")) {
      const wait = resource.endsWith(".sync");
      return async (input) => {
        const job = this.options.batch.run(
          batchRequest(input as Json, this.findJobDefinition(input as Json)),
        );
        if (!wait) {
          job.catch(() => undefined); // fire and forget, as submitJob without .sync
          return { JobName: (input as Json).JobName };
        }
        const finished = await job;
        if (finished.status === "SUCCEEDED") return describeJob(finished);
        failedJobs.set(stateName, finished);
        throw new BatchJobFailedError(finished);
      };
    }
    if (resource === DISTRIBUTED_MAP_RESOURCE) return async () => undefined; // replaced in collectHandlers
    return async () => {
      throw Object.assign(
        new Error(`the embedded runtime cannot run Task resource ${resource} (state ${stateName})`),
        {
          name: "States.Runtime",
        },
      );
    };
  }

  private findFunction(nameOrArn: string): FunctionModel {
    const fn = this.options.model.functions.find(
      (f) => nameOrArn === f.name || nameOrArn === f.arn || nameOrArn.startsWith(`${f.arn}:`),
    );
    if (!fn)
      throw Object.assign(new Error(`Function not found: ${nameOrArn}`), {
        name: "ResourceNotFoundException",
      });
    return fn;
  }

  private findJobDefinition(input: Json): JobDefinitionModel {
    const wanted = String(input.JobDefinition);
    const definition = this.options.model.jobDefinitions.find(
      (d) => wanted === d.arn || wanted === d.name || wanted.split(":")[0] === d.name,
    );
    if (!definition)
      throw Object.assign(new Error(`job definition not found: ${wanted}`), {
        name: "Batch.ClientException",
      });
    return definition;
  }
}

/** The context object (`$$`) of an execution, as Step Functions fills it. */
export interface ExecutionContext {
  Execution: { Id: string; Name: string; Input: unknown; StartTime: string; RoleArn: string };
  StateMachine: { Id: string; Name: string };
}

function executionContext(machine: StateMachineModel, record: ExecutionRecord): ExecutionContext {
  return {
    Execution: {
      Id: record.executionArn,
      Name: record.name,
      Input: record.input,
      StartTime: record.startDate,
      RoleArn: `arn:aws:iam::000000000000:role/${machine.name}`,
    },
    StateMachine: { Id: machine.arn, Name: machine.name },
  };
}

function batchRequest(input: Json, definition: JobDefinitionModel) {
  const overrides = (input.ContainerOverrides ?? {}) as { Environment?: { Name: string; Value: string }[] };
  return {
    definition,
    jobName: String(input.JobName ?? definition.name),
    environment: Object.fromEntries((overrides.Environment ?? []).map((e) => [e.Name, String(e.Value)])),
    attempts: (input.RetryStrategy as { Attempts?: number } | undefined)?.Attempts,
    timeoutSeconds: (input.Timeout as { AttemptDurationSeconds?: number } | undefined)
      ?.AttemptDurationSeconds,
  };
}

/** The job in the shape of Batch's DescribeJobs (what submitJob.sync returns), plus LogTail. */
function describeJob(job: BatchJob): Json {
  const last = job.attempts.at(-1);
  return {
    JobId: job.jobId,
    JobName: job.jobName,
    JobDefinition: job.jobDefinition,
    Status: job.status,
    StatusReason: job.statusReason,
    Attempts: job.attempts.map((a) => ({
      Container: { ExitCode: a.exitCode },
      StartedAt: a.startedAt,
      StoppedAt: a.stoppedAt,
      StatusReason: a.statusReason,
    })),
    Container: { ExitCode: last?.exitCode ?? null },
    LogTail: job.logTail,
  };
}

/**
 * The state where the error arose: the latest failed Task with the execution's error, rather
 * than the Parallel/Map around it or the Fail state a Catch led to; else the latest failure.
 */
function originOfFailure(history: HistoryEvent[], error: unknown): string | undefined {
  const failures = history.filter((e) => e.type === "StateFailed");
  const typeOf = (e: HistoryEvent) => (e.detail?.state as { type?: string } | undefined)?.type;
  const task = failures.filter((e) => typeOf(e) === "Task" && e.detail?.Error === error).at(-1);
  return (task ?? failures.filter((e) => typeOf(e) !== "Fail").at(-1) ?? failures.at(-1))?.state;
}

function causeText(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return typeof cause === "string" ? cause : JSON.stringify(cause ?? "");
}
