import { constants } from "node:buffer";
import { readFileSync, statSync } from "node:fs";
import { InputError, LimitExceededError, NotFoundError } from "../errors.ts";
import { formatBytes } from "../limits.ts";

/** The longest string Node.js can hold (about 512 MB): a text file must fit in one. */
const MAX_TEXT_BYTES = constants.MAX_STRING_LENGTH;
/** Bytes inspected for binary content: enough to see a header and the first data lines. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Reads a text file the user named (an acceleration record, a CSV, a scenario, a model) with one
 * clear error for what is not one: a missing path, a folder, a binary file (whose bytes would
 * otherwise end up in an error message and on the terminal) or a file too large to be a string.
 * `what` names the expected content in messages ("an acceleration record").
 */
export function readTextFile(path: string, what: string): string {
  let size: number;
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) throw new InputError(`is a folder, not ${what}`, { file: path });
    size = stats.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotFoundError(`no such file (expected ${what})`, { file: path });
    throw new InputError(`cannot read ${what} (${code ?? (error as Error).message})`, {
      file: path,
      cause: error,
    });
  }
  if (size > MAX_TEXT_BYTES)
    throw new LimitExceededError(
      `is ${formatBytes(size)}; ${what} must be a text file under ${formatBytes(MAX_TEXT_BYTES)}`,
      { file: path },
    );
  const bytes = readFileSync(path);
  const binaryAt = firstBinaryByte(bytes);
  if (binaryAt >= 0)
    throw new InputError(`is not a text file (binary data at byte ${binaryAt}); expected ${what}`, {
      file: path,
    });
  return bytes.toString("utf8");
}

/**
 * The offset of the first byte that says "binary" in the start of the file: a NUL, or any control
 * byte once they pass 1 in 10 (text has tabs and line ends only; Latin-1 or UTF-8 letters are fine).
 */
function firstBinaryByte(bytes: Buffer): number {
  const end = Math.min(bytes.length, SNIFF_BYTES);
  let controls = 0;
  let firstControl = -1;
  for (let i = 0; i < end; i++) {
    const b = bytes[i];
    if (b === 0) return i;
    const control = (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) || b === 0x7f;
    if (!control) continue;
    controls++;
    if (firstControl < 0) firstControl = i;
  }
  return controls > end / 10 ? firstControl : -1;
}
