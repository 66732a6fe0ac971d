import { lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../core/errors.ts";

/**
 * Writes a command's outputs all-or-nothing. `write` fills a temporary folder beside `outDir`;
 * only when it returns are the entries moved into `outDir`. On any error the temporary folder is
 * removed and `outDir` is left as it was. `outDir` may exist only if it is a folder that is empty
 * or holds only entries this command writes, each of the same kind (a re-run overwrites its own
 * outputs, nothing else). `expectedNames` lists the files, and folders with a trailing `/`.
 *
 * The temporary folder is `.<out>.tmp-<pid>-XXXXXX`: it is removed on Ctrl-C, SIGTERM and SIGHUP,
 * and one left by a process that no longer runs (SIGKILL, out of memory) is removed by the next
 * write beside it.
 */
export async function writeOutputsAtomically<T>(
  outDir: string,
  expectedNames: readonly string[] | null,
  write: (tmpDir: string) => Promise<T>,
): Promise<T> {
  const target = resolve(outDir);
  checkExistingOutput(outDir, target, expectedNames);
  const parent = dirname(target);
  const prefix = `.${basename(target)}.tmp-`;
  const { dir: tmpDir, release } = createRemovedOnSignal(() =>
    fsStep(outDir, "create the output folder", () => {
      mkdirSync(parent, { recursive: true });
      removeAbandoned(parent, prefix);
      return mkdtempSync(join(parent, `${prefix}${process.pid}-`));
    }),
  );
  try {
    const result = await write(tmpDir);
    commit(tmpDir, target);
    return result;
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
    release();
  }
}

function checkExistingOutput(outDir: string, target: string, expectedNames: readonly string[] | null): void {
  const stats = fsStep(outDir, "use", () => statSync(target, { throwIfNoEntry: false }));
  if (!stats) return;
  if (!stats.isDirectory())
    throw new InputError(`--out ${outDir} is a file, not a folder; name a new or empty folder`);
  const expected = new Map(
    (expectedNames ?? []).map((name) => [name.replace(/\/$/, ""), name.endsWith("/")]),
  );
  const entries = fsStep(outDir, "read the output folder", () => readdirSync(target));
  const foreign = entries.filter((name) => !expected.has(name));
  if (foreign.length > 0) {
    throw new InputError(
      `output folder ${outDir} already holds other files (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", ..." : ""}); choose an empty or new folder`,
    );
  }
  for (const name of entries) {
    const entry = lstatSync(join(target, name));
    const isFolder = expected.get(name) as boolean;
    if (isFolder ? !entry.isDirectory() : !entry.isFile()) {
      throw new InputError(
        `output folder ${outDir} holds ${name} as a ${entry.isDirectory() ? "folder" : entry.isFile() ? "file" : "link or special file"}, where this command writes a ${isFolder ? "folder" : "file"}; move it away or choose another folder`,
      );
    }
  }
}

/**
 * Moves every entry of `tmpDir` into `target`. Entries it replaces (a previous run's outputs) are
 * first moved aside, and put back if a move fails, so `target` ends either all new or all old.
 */
function commit(tmpDir: string, target: string): void {
  mkdirSync(target, { recursive: true });
  const aside = mkdtempSync(`${tmpDir}-old-`);
  const movedAside: string[] = [];
  const movedIn: string[] = [];
  try {
    for (const name of readdirSync(tmpDir)) {
      if (lstatSync(join(target, name), { throwIfNoEntry: false })) {
        renameSync(join(target, name), join(aside, name));
        movedAside.push(name);
      }
      renameSync(join(tmpDir, name), join(target, name));
      movedIn.push(name);
    }
  } catch (error) {
    for (const name of movedIn) rmSync(join(target, name), { recursive: true, force: true });
    for (const name of movedAside) renameSync(join(aside, name), join(target, name));
    throw error;
  } finally {
    rmSync(aside, { recursive: true, force: true });
  }
}

/** Temporary folders of processes that no longer run (killed, out of memory): nobody will finish them. */
function removeAbandoned(parent: string, prefix: string): void {
  for (const name of readdirSync(parent)) {
    const pid = name.startsWith(prefix) ? Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]) : Number.NaN;
    if (Number.isInteger(pid) && pid !== process.pid && !isRunning(pid))
      rmSync(join(parent, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const pending = new Set<string>();

function onSignal(signal: NodeJS.Signals): void {
  for (const dir of pending) rmSync(dir, { recursive: true, force: true });
  pending.clear();
  for (const name of SIGNALS) process.off(name, onSignal);
  // Die of the same signal, as the process would have without this handler (exit 130 on Ctrl-C).
  process.kill(process.pid, signal);
}

/**
 * Creates a folder that a signal ending the process removes first, until `release`. The handler
 * is in place before the folder exists: a signal that arrived between the two would otherwise end
 * the process the default way and leave the folder behind.
 */
function createRemovedOnSignal(create: () => string): { dir: string; release: () => void } {
  const stopListening = () => {
    if (pending.size === 0) for (const name of SIGNALS) process.off(name, onSignal);
  };
  if (pending.size === 0) for (const name of SIGNALS) process.on(name, onSignal);
  let dir: string;
  try {
    dir = create();
  } catch (error) {
    stopListening();
    throw error;
  }
  pending.add(dir);
  return {
    dir,
    release: () => {
      pending.delete(dir);
      stopListening();
    },
  };
}

/** Runs a file-system step on the output folder; a refusal of the system is the user's to fix. */
function fsStep<T>(outDir: string, what: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM" || code === "EROFS" || code === "ENOTDIR" || code === "EEXIST")
      throw new InputError(`cannot ${what} ${outDir} (${code}: ${describeCode(code)})`, { cause: error });
    throw error;
  }
}

function describeCode(code: string): string {
  return (
    {
      EACCES: "permission denied",
      EPERM: "not permitted",
      EROFS: "read-only file system",
      ENOTDIR: "a part of the path is a file",
      EEXIST: "a file is in the way",
    }[code] ?? code
  );
}
