import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const SAVE_INTERVAL_MS = 250;

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED" | "TIMED_OUT";

/** Why an execution failed, in the words a user needs: where, what, and the job's own story. */
export interface FailureReason {
  state?: string;
  error: string;
  cause: string;
  /** For a failed Batch job: its exit code (null when killed) and the tail of its output. */
  job?: { jobId: string; exitCode: number | null; statusReason?: string; logTail: string };
}

export interface HistoryEvent {
  id: number;
  timestamp: string;
  type: string;
  state?: string;
  detail?: Record<string, unknown>;
}

export interface ExecutionRecord {
  executionArn: string;
  executionId: string;
  name: string;
  stateMachineArn: string;
  flow: string;
  status: ExecutionStatus;
  input: unknown;
  output?: unknown;
  startDate: string;
  stopDate?: string;
  failure?: FailureReason;
  /** Top-level states finished so far; with `totalStates` a rough progress measure. */
  completedStates: string[];
  totalStates: number;
  history: HistoryEvent[];
}

/**
 * Keeps executions as one JSON file each under `<stateDir>/executions/`, rewritten (atomically,
 * through a rename) at every change, so that `quakeslide status` in another process, or after
 * the runtime stopped, reads what happened.
 */
export class ExecutionStore {
  private readonly folder: string;
  private readonly live = new Map<string, ExecutionRecord>();
  private readonly pendingSaves = new Map<string, NodeJS.Timeout>();

  constructor(stateDir: string) {
    this.folder = join(stateDir, "executions");
    mkdirSync(this.folder, { recursive: true });
  }

  create(record: ExecutionRecord): void {
    this.live.set(record.executionId, record);
    this.save(record);
  }

  /**
   * Applies `change` to a running execution and persists it: at once when the execution ends,
   * otherwise at most every SAVE_INTERVAL_MS (rewriting a long history at every event would
   * make a 1,000-item map quadratic).
   */
  update(executionId: string, change: (record: ExecutionRecord) => void): void {
    const record = this.live.get(executionId);
    if (!record) return;
    change(record);
    if (record.status !== "RUNNING") {
      clearTimeout(this.pendingSaves.get(executionId));
      this.pendingSaves.delete(executionId);
      this.save(record);
      this.live.delete(executionId);
    } else if (!this.pendingSaves.has(executionId)) {
      const timer = setTimeout(() => {
        this.pendingSaves.delete(executionId);
        this.save(record);
      }, SAVE_INTERVAL_MS);
      timer.unref(); // a pending save never keeps the process alive
      this.pendingSaves.set(executionId, timer);
    }
  }

  /** Finds an execution by id, name or ARN; undefined when unknown. */
  get(idOrArn: string): ExecutionRecord | undefined {
    const executionId = idOrArn.split(":").at(-1)!;
    const live = this.live.get(executionId);
    if (live) return live;
    const file = join(this.folder, `${executionId}.json`);
    return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as ExecutionRecord) : undefined;
  }

  list(): ExecutionRecord[] {
    return readdirSync(this.folder)
      .filter((name) => name.endsWith(".json"))
      .map((name) => this.get(name.slice(0, -5))!)
      .sort((a, b) => b.startDate.localeCompare(a.startDate));
  }

  private save(record: ExecutionRecord): void {
    const file = join(this.folder, `${record.executionId}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 1));
    renameSync(`${file}.tmp`, file);
  }
}
