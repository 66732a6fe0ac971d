import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { JobDefinitionModel } from "./app-model.ts";
import { withoutEndpoints } from "./lambda-invoker.ts";

export interface BatchJobRequest {
  definition: JobDefinitionModel;
  jobName: string;
  /** ContainerOverrides.Environment of the submitJob call; wins over the job definition's. */
  environment?: Record<string, string>;
  /** RetryStrategy.Attempts / Timeout.AttemptDurationSeconds of the submitJob call, if given. */
  attempts?: number;
  timeoutSeconds?: number;
}

export interface BatchAttempt {
  pid: number | undefined;
  exitCode: number | null;
  signal: string | null;
  startedAt: number;
  stoppedAt: number;
  statusReason?: string;
}

/** The job as `DescribeJobs` shows it, plus the tail of its combined stdout/stderr. */
export interface BatchJob {
  jobId: string;
  jobName: string;
  jobDefinition: string;
  status: "SUBMITTED" | "RUNNING" | "SUCCEEDED" | "FAILED";
  attempts: BatchAttempt[];
  statusReason?: string;
  logTail: string;
}

export interface BatchRunnerOptions {
  /** Folder that holds containers/<name>/entrypoint.ts. */
  projectRoot: string;
  /** At most this many jobs run at once; default: the number of cores. */
  maxConcurrentJobs?: number;
  /** Added to every job's environment (the local endpoints and credentials). */
  environment?: Record<string, string>;
  /** Called when a job attempt starts, with its process id (tests kill it to show a retry). */
  onAttemptStarted?: (job: BatchJob, pid: number | undefined) => void;
  /**
   * Throttle SubmitJob as AWS Batch does beyond its API rate (50 per second per account): a
   * submit finding no token in a bucket refilled at `perSecond` (holding at most `burst`) fails
   * at once with `Batch.TooManyRequestsException`, the error the state machines retry with
   * back-off and jitter. Default: env QUAKESLIDE_BATCH_SUBMIT_RATE (`<per second>[,<burst>]`),
   * else no throttling.
   */
  submitRateLimit?: SubmitRateLimit;
}

export interface SubmitRateLimit {
  perSecond: number;
  /** Submits accepted at once after a quiet period (default 1). */
  burst?: number;
}

/** What AWS Batch answers a throttled SubmitJob with, as Step Functions names it. */
export class TooManyRequestsError extends Error {
  constructor() {
    super("Too Many Requests (Service: AWSBatch; Status Code: 429; Error Code: TooManyRequestsException)");
    this.name = "Batch.TooManyRequestsException";
  }
}

const LOG_TAIL_CHARS = 4000;
const TSX_LOADER = import.meta.resolve("tsx");
const CHILD_GUARD = new URL("./batch-child-guard.mjs", import.meta.url).href;

/**
 * Runs AWS Batch jobs as local child processes: the container's entrypoint under Node with the
 * job definition's environment, the submit call's overrides and `AWS_BATCH_JOB_ID` /
 * `AWS_BATCH_JOB_ATTEMPT`, as many at once as there are cores, each attempt killed after the
 * attempt timeout, and failed attempts rerun up to the retry strategy's number of attempts.
 */
export class LocalBatchRunner {
  private readonly running = new Set<ChildProcess>();
  private readonly waiting: (() => void)[] = [];
  private readonly maxConcurrent: number;
  private stopped = false;
  private activeJobs = 0;
  private readonly submitLimit: Required<SubmitRateLimit> | undefined;
  private submitTokens = 0;
  private tokensAt = 0;
  /** Submits refused by the rate limit so far. */
  throttledSubmits = 0;

  constructor(private readonly options: BatchRunnerOptions) {
    this.maxConcurrent = options.maxConcurrentJobs ?? availableParallelism();
    const limit =
      options.submitRateLimit ?? submitRateFromEnvironment(process.env.QUAKESLIDE_BATCH_SUBMIT_RATE);
    if (limit) {
      this.submitLimit = { perSecond: limit.perSecond, burst: limit.burst ?? 1 };
      this.submitTokens = this.submitLimit.burst;
      this.tokensAt = Date.now();
    }
  }

  /**
   * Runs the job to completion (all attempts) and returns its description. Rejects with
   * TooManyRequestsError, before anything runs, when the submit rate limit refuses the submit.
   */
  async run(request: BatchJobRequest): Promise<BatchJob> {
    this.admitSubmit();
    const job: BatchJob = {
      jobId: randomUUID(),
      jobName: request.jobName,
      jobDefinition: request.definition.arn,
      status: "SUBMITTED",
      attempts: [],
      logTail: "",
    };
    const entrypoint = join(
      this.options.projectRoot,
      "containers",
      request.definition.folder,
      "entrypoint.ts",
    );
    if (!existsSync(entrypoint)) {
      job.status = "FAILED";
      job.statusReason = `CannotStartContainerError: ${entrypoint} does not exist`;
      return job;
    }
    const attempts = Math.max(1, request.attempts ?? request.definition.attempts);
    while (job.attempts.length < attempts && !this.stopped) {
      await this.acquireSlot();
      try {
        job.status = "RUNNING";
        const attempt = await this.runAttempt(job, entrypoint, request);
        job.attempts.push(attempt);
      } finally {
        this.releaseSlot();
      }
      const last = job.attempts.at(-1)!;
      if (last.exitCode === 0) {
        job.status = "SUCCEEDED";
        job.statusReason = "Essential container in task exited";
        return job;
      }
      job.statusReason = last.statusReason;
    }
    job.status = "FAILED";
    return job;
  }

  /** Kills every running job (SIGKILL) and refuses new attempts. */
  stop(): Promise<void> {
    this.stopped = true;
    const exits = [...this.running].map(
      (child) =>
        new Promise<void>((resolve) =>
          child.exitCode !== null ? resolve() : child.once("exit", () => resolve()),
        ),
    );
    for (const child of this.running) child.kill("SIGKILL");
    for (const wake of this.waiting.splice(0)) wake();
    return Promise.all(exits).then(() => undefined);
  }

  private runAttempt(job: BatchJob, entrypoint: string, request: BatchJobRequest): Promise<BatchAttempt> {
    const env = {
      ...process.env,
      ...withoutEndpoints(request.definition.environment),
      ...withoutEndpoints(request.environment ?? {}),
      ...this.options.environment,
      AWS_BATCH_JOB_ID: job.jobId,
      AWS_BATCH_JOB_ATTEMPT: String(job.attempts.length + 1),
    };
    const child = spawn(process.execPath, ["--import", TSX_LOADER, "--import", CHILD_GUARD, entrypoint], {
      cwd: this.options.projectRoot,
      env,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.running.add(child);
    const startedAt = Date.now();
    const appendLog = (chunk: Buffer) => {
      job.logTail = (job.logTail + chunk.toString("utf8")).slice(-LOG_TAIL_CHARS);
    };
    child.stdout?.on("data", appendLog);
    child.stderr?.on("data", appendLog);
    this.options.onAttemptStarted?.(job, child.pid);
    const timeoutSeconds = request.timeoutSeconds ?? request.definition.timeoutSeconds;
    let timedOut = false;
    const timer =
      timeoutSeconds === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, timeoutSeconds * 1000);
    return new Promise((resolve) => {
      const finish = (exitCode: number | null, signal: string | null, reason?: string) => {
        clearTimeout(timer);
        this.running.delete(child);
        resolve({
          pid: child.pid,
          exitCode,
          signal,
          startedAt,
          stoppedAt: Date.now(),
          statusReason: reason ?? describeExit(exitCode, signal, timedOut),
        });
      };
      child.once("error", (error) => finish(null, null, `CannotStartContainerError: ${error.message}`));
      child.once("close", (code, signal) => finish(code, signal));
    });
  }

  private admitSubmit(): void {
    const limit = this.submitLimit;
    if (!limit) return;
    const now = Date.now();
    this.submitTokens = Math.min(
      limit.burst,
      this.submitTokens + ((now - this.tokensAt) / 1000) * limit.perSecond,
    );
    this.tokensAt = now;
    if (this.submitTokens < 1) {
      this.throttledSubmits++;
      throw new TooManyRequestsError();
    }
    this.submitTokens -= 1;
  }

  private async acquireSlot(): Promise<void> {
    while (this.activeJobs >= this.maxConcurrent && !this.stopped) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.activeJobs++;
  }

  private releaseSlot(): void {
    this.activeJobs--;
    this.waiting.shift()?.();
  }
}

/** `"2"` or `"2,3"` (per second, burst) → the limit; unset → none. */
export function submitRateFromEnvironment(value: string | undefined): SubmitRateLimit | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const [perSecond, burst] = value.split(",").map(Number);
  if (!(perSecond > 0) || (burst !== undefined && !(burst >= 1)))
    throw new Error(`QUAKESLIDE_BATCH_SUBMIT_RATE must be "<submits per second>[,<burst>]", got "${value}"`);
  return { perSecond, burst };
}

function describeExit(exitCode: number | null, signal: string | null, timedOut: boolean): string | undefined {
  if (timedOut) return "Job attempt duration exceeded timeout";
  if (signal) return `Essential container in task exited (killed by ${signal})`;
  if (exitCode !== 0) return `Essential container in task exited (exit code ${exitCode})`;
  return undefined;
}
