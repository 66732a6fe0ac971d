import type { ChildProcessWithoutNullStreams } from "node:child_process";

/**
 * The first line a long-running child prints on stdout (a server's JSON once it listens);
 * rejects with its stderr if it exits before.
 */
export function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
      if (stdout.includes("\n")) resolve(stdout.split("\n")[0]);
    });
    child.on("close", (code) => reject(new Error(`exited ${code} before its first line: ${stderr}`)));
  });
}
