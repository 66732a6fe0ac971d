import type { CampaignPlan } from "../../../core/campaign/plan.ts";
import type { EmbeddedRecord, Quakeslide, Run } from "../../client/index.ts";
import { finishedJobs, type Submission } from "./submit.ts";

export interface CampaignProgress {
  /** Jobs with a result, earlier runs included. */
  done: number;
  /** Jobs whose Batch job runs or waits to retry now; null when the target does not say. */
  running: number | null;
  /** Jobs whose Batch job failed after all its attempts; null when the target does not say. */
  failed: number | null;
  remaining: number;
  /** Seconds to go at the rate jobs finished so far in this run; null before the first. */
  etaS: number | null;
}

export interface FailedJob {
  job: string;
  reason: string;
  attempts: number | null;
}

export interface FollowResult {
  run: Run;
  progress: CampaignProgress;
  failedJobs: FailedJob[];
  /** SubmitJob calls refused by Batch's rate limit and retried by the state machine (embedded). */
  throttledSubmits: number | null;
}

/** What the embedded runtime's history tells about the map's jobs. */
function fromHistory(record: EmbeddedRecord) {
  const last = new Map<number, { type: string; error?: string }>();
  const failedJobs: FailedJob[] = [];
  let throttledSubmits = 0;
  for (const event of record.history) {
    const index = event.detail?.index;
    if (typeof index !== "number" || event.state !== "RunSem") continue;
    const error = event.detail?.Error as string | undefined;
    last.set(index, { type: event.type, error });
    if (event.type !== "StateFailed") continue;
    if (error === "Batch.TooManyRequestsException") throttledSubmits++;
    if (error === "States.TaskFailed") failedJobs.push(describeFailure(String(event.detail?.Cause ?? "")));
  }
  let running = 0;
  let failed = 0;
  for (const { type, error } of last.values()) {
    if (type === "StateFailed" && error === "States.TaskFailed") failed++;
    else if (type !== "StateExited") running++;
  }
  return { running, failed, failedJobs, throttledSubmits };
}

/** A failed Batch job's name (the campaign job id), status reason and attempts, from its description. */
function describeFailure(cause: string): FailedJob {
  try {
    const job = JSON.parse(cause) as { JobName?: string; StatusReason?: string; Attempts?: unknown[] };
    return {
      job: job.JobName ?? "?",
      reason: job.StatusReason ?? "failed",
      attempts: job.Attempts?.length ?? null,
    };
  } catch {
    return { job: "?", reason: cause.slice(0, 300), attempts: null };
  }
}

/**
 * Follows a campaign run to its end: done = result records present (from S3, any target),
 * running and failed from the embedded runtime's history (other targets: null), an ETA from the
 * rate of this run's completions. Calls `onProgress` whenever the counts change.
 */
export async function followCampaign(
  client: Quakeslide,
  plan: CampaignPlan,
  submission: Submission,
  options: { pollMs: number; onProgress?: (progress: CampaignProgress) => void },
): Promise<FollowResult> {
  const ids = new Set(plan.jobs.map((job) => job.id));
  const started = Date.now();
  let lastLine = "";
  for (;;) {
    const run = await client.getRun(submission.runId);
    const finished = [...(await finishedJobs(client, submission.campaign))].filter((id) =>
      ids.has(id),
    ).length;
    const record = await client.embeddedRecord(submission.runId);
    const history = record ? fromHistory(record) : undefined;
    const doneNow = finished - submission.skipped;
    const remaining = plan.jobs.length - finished;
    const elapsed = (Date.now() - started) / 1000;
    const progress: CampaignProgress = {
      done: finished,
      running: history?.running ?? null,
      failed: history?.failed ?? null,
      remaining,
      etaS: doneNow > 0 ? (elapsed / doneNow) * remaining : null,
    };
    const line = JSON.stringify({ ...progress, etaS: null });
    if (line !== lastLine) {
      lastLine = line;
      options.onProgress?.(progress);
    }
    if (run.status !== "RUNNING")
      return {
        run,
        progress,
        failedJobs: history?.failedJobs ?? [],
        throttledSubmits: history?.throttledSubmits ?? null,
      };
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}
