import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/errors.ts";
import { randomCredentials } from "./s3-server.ts";
import type { Credentials } from "./sigv4.ts";

/**
 * The runtime's state folder: objects (s3/), executions, the key pair, runtime.json and the
 * work folders of the runtime's steps (tmp/<pid>/). It holds the key pair and the users' data,
 * so it is private to its owner (0700, files 0600).
 */

const CREDENTIALS_FILE = "credentials.json";

export function createStateFolder(stateDir: string): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
}

/** Writes JSON that only the owner may read, replacing any earlier file in one rename. */
export function writePrivateJson(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(value, null, 1), { mode: 0o600 });
  chmodSync(temporary, 0o600); // an earlier file of that name may have had another mode
  renameSync(temporary, file);
}

/**
 * The key pair of this state folder: made at random the first time, then kept, so that the
 * variables a user exported keep working after `quakeslide up` restarts.
 */
export function stateFolderCredentials(stateDir: string): Credentials {
  const file = join(stateDir, CREDENTIALS_FILE);
  if (!existsSync(file)) {
    const credentials = randomCredentials();
    writePrivateJson(file, credentials);
    return credentials;
  }
  const stored = JSON.parse(readFileSync(file, "utf8")) as Partial<Credentials>;
  if (typeof stored.accessKeyId !== "string" || typeof stored.secretAccessKey !== "string") {
    throw new InputError(`${file} is not a key pair; delete it and a new one is made`);
  }
  return { accessKeyId: stored.accessKeyId, secretAccessKey: stored.secretAccessKey };
}

/**
 * The work folder of this runtime's steps (Lambda handlers in process, Batch jobs as children):
 * `tmp/<pid>/`. Folders of other pids belong to runtimes that ended (a second runtime on the
 * folder is refused before this runs), perhaps killed mid-step: they are removed.
 */
export function createWorkRoot(stateDir: string, pid = process.pid): string {
  const tmp = join(stateDir, "tmp");
  if (existsSync(tmp)) {
    for (const name of readdirSync(tmp)) {
      if (name !== String(pid)) rmSync(join(tmp, name), { recursive: true, force: true });
    }
  }
  const root = join(tmp, String(pid));
  mkdirSync(root, { recursive: true, mode: 0o700 });
  return root;
}
