import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { executionNameProblem } from "./execution-names.ts";

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
  /** `<state machine name>:<execution name>`: names are unique per state machine, as on AWS. */
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
  /** The runtime process that ran it: a RUNNING record of another process was interrupted. */
  runtimePid?: number;
}

/** The error of a run whose runtime stopped (killed, crashed) while it was in flight. */
export const INTERRUPTED_ERROR = "RuntimeInterrupted";

/**
 * Keeps executions as one JSON file each under `<stateDir>/executions/<state machine>/<name>.json`,
 * rewritten (atomically, through a rename) at every change, so that `quakeslide status` in
 * another process, or after the runtime stopped, reads what happened. Names come from users
 * (StartExecution, `quakeslide start --name`, ARNs in requests): only valid execution names
 * become file names, and every path is checked to stay inside the folder.
 */
export class ExecutionStore {
  private readonly folder: string;
  private readonly live = new Map<string, ExecutionRecord>();
  private readonly pendingSaves = new Map<string, NodeJS.Timeout>();

  constructor(stateDir: string) {
    this.folder = join(stateDir, "executions");
    mkdirSync(this.folder, { recursive: true });
    this.fileLegacyRecords();
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

  /**
   * Finds an execution by ARN, by id (`<state machine>:<name>`) or by bare name (the most
   * recent of that name, whatever its state machine); undefined when unknown or not a name.
   */
  get(reference: string): ExecutionRecord | undefined {
    const parts = reference.split(":");
    if (reference.startsWith("arn:")) {
      if (parts.length !== 8 || parts[5] !== "execution") return undefined;
      return this.read(parts[6], parts[7]);
    }
    if (parts.length === 2) return this.read(parts[0], parts[1]);
    if (parts.length !== 1 || executionNameProblem(reference)) return undefined;
    return this.list().find((record) => record.name === reference);
  }

  /** Every execution, most recent first. */
  list(): ExecutionRecord[] {
    const records: ExecutionRecord[] = [];
    for (const machine of readdirSync(this.folder, { withFileTypes: true })) {
      if (!machine.isDirectory()) continue;
      for (const file of readdirSync(join(this.folder, machine.name))) {
        if (!file.endsWith(".json")) continue;
        const record = this.read(machine.name, file.slice(0, -".json".length));
        if (record) records.push(record);
      }
    }
    return records.sort((a, b) => b.startDate.localeCompare(a.startDate));
  }

  /**
   * Marks every RUNNING execution of another runtime process FAILED: that process ended (a
   * second runtime on the folder is refused) and the run cannot be continued. Returns them.
   */
  failInterrupted(): ExecutionRecord[] {
    const interrupted = this.list().filter((r) => r.status === "RUNNING" && !this.live.has(r.executionId));
    for (const record of interrupted) {
      const entered = record.history.filter((e) => e.type === "StateEntered").at(-1)?.state;
      const stoppedAt = new Date().toISOString();
      const cause =
        `the embedded runtime${record.runtimePid ? ` (process ${record.runtimePid})` : ""} stopped while ` +
        `this run was ${entered ? `in state ${entered}` : "starting"}; runs are not resumed: start the ` +
        "flow again under a new name (steps that finished are reused through their deterministic keys)";
      record.status = "FAILED";
      record.stopDate = stoppedAt;
      record.failure = { state: entered, error: INTERRUPTED_ERROR, cause };
      record.history.push({
        id: record.history.length + 1,
        timestamp: stoppedAt,
        type: "ExecutionFailed",
        detail: { Error: INTERRUPTED_ERROR, Cause: cause },
      });
      this.save(record);
    }
    return interrupted;
  }

  private read(machine: string, name: string): ExecutionRecord | undefined {
    const live = this.live.get(`${machine}:${name}`);
    if (live) return live;
    const file = this.fileOf(machine, name);
    return file && existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as ExecutionRecord) : undefined;
  }

  /** The record's file, or undefined for names that are not plain execution names. */
  private fileOf(machine: string, name: string): string | undefined {
    if (executionNameProblem(machine) || executionNameProblem(name)) return undefined;
    const file = join(this.folder, machine, `${name}.json`);
    const inside = relative(this.folder, file).split(/[\\/]/);
    return inside.length === 2 && inside[0] === machine ? file : undefined;
  }

  private save(record: ExecutionRecord): void {
    const [machine, name] = record.executionId.split(":");
    const file = this.fileOf(machine, name);
    if (!file) throw new Error(`not a valid execution id: ${record.executionId}`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 1));
    renameSync(`${file}.tmp`, file);
  }

  /** Records of earlier versions, filed as `executions/<name>.json`, move under their state machine. */
  private fileLegacyRecords(): void {
    for (const entry of readdirSync(this.folder)) {
      const path = join(this.folder, entry);
      if (!entry.endsWith(".json") || !statSync(path).isFile()) continue;
      const record = JSON.parse(readFileSync(path, "utf8")) as ExecutionRecord;
      const machine = record.stateMachineArn.split(":").at(-1) ?? "";
      const file = this.fileOf(machine, record.name);
      if (!file) continue;
      record.executionId = `${machine}:${record.name}`;
      this.save(record);
      rmSync(path);
    }
  }
}
