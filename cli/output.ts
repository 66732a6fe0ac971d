import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../core/errors.ts";

/**
 * Writes a command's outputs all-or-nothing. `write` fills a temporary folder beside `outDir`;
 * only when it returns are the files moved into `outDir`. On any error the temporary folder is
 * removed and `outDir` is left as it was. `outDir` may exist only if it is empty, or if every
 * file in it is one this command writes (a re-run overwrites its own outputs, nothing else).
 */
export async function writeOutputsAtomically<T>(
  outDir: string,
  expectedNames: readonly string[] | null,
  write: (tmpDir: string) => Promise<T>,
): Promise<T> {
  const target = resolve(outDir);
  if (existsSync(target)) {
    const foreign = readdirSync(target).filter((name) => !expectedNames?.includes(name));
    if (foreign.length > 0) {
      throw new InputError(
        `output folder ${outDir} already holds other files (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", ..." : ""}); choose an empty or new folder`,
      );
    }
  }
  mkdirSync(dirname(target), { recursive: true });
  const tmpDir = mkdtempSync(join(dirname(target), `.${basename(target)}.tmp-`));
  try {
    const result = await write(tmpDir);
    mkdirSync(target, { recursive: true });
    for (const name of readdirSync(tmpDir)) renameSync(join(tmpDir, name), join(target, name));
    return result;
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}
