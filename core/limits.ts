import { z } from "zod";
import { InputError, LimitExceededError } from "./errors.ts";
import { parseDecimal } from "./options.ts";

/**
 * Memory limits. A step that allocates in proportion to its input (cells of a raster, elements
 * and time steps of a SEM mesh, receivers) estimates what it will need from the headers before it
 * allocates, and refuses work above the limit with the estimate, the limit and how to raise it:
 * `--memory-limit-gb` on the command line, QUAKESLIDE_MEMORY_LIMIT_GB for the handlers, the
 * containers and the embedded runtime (an event cannot raise it). One tampered or mistaken input
 * (a 116 KB sparse GeoTIFF that declares 50,000 x 50,000 cells) then fails in milliseconds with a
 * clear line instead of taking the process, and every run sharing it, past the machine's memory.
 *
 * The estimates count the large typed arrays a step holds at its peak (inputs, outputs, working
 * copies), not the ~100 MB of the Node.js runtime itself; docs/limits.md lists them.
 */

/** Default limit (GB = 10^9 bytes): a quarter to a half of a laptop, a large Lambda. */
export const DEFAULT_MEMORY_LIMIT_GB = 4;

/** The environment variable the handlers, containers and the CLI read the limit from. */
export const MEMORY_LIMIT_ENV = "QUAKESLIDE_MEMORY_LIMIT_GB";

const GB = 1e9;

/** The name of that field in the step schemas (and, in kebab-case, of the CLI option). */
export const MEMORY_LIMIT_FIELD = "memoryLimitGb";

/** The `memoryLimitGb` field of every step schema that allocates in proportion to its input. */
export const memoryLimitSchema = z.number().positive().default(DEFAULT_MEMORY_LIMIT_GB);

/** The limit as the environment variable gives it; undefined when unset. */
export function parseMemoryLimit(text: string | undefined): number | undefined {
  if (text === undefined || text === "") return undefined;
  const value = parseDecimal(text);
  if (value === undefined || value <= 0)
    throw new InputError(`${MEMORY_LIMIT_ENV} must be a positive number of GB, got "${text}"`);
  return value;
}

/** `12.3 GB`, `850 MB`: the size of an estimate as a person reads it. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes >= 1e15) return "over 1000 TB";
  if (bytes >= 1e12) return `${(bytes / 1e12).toFixed(1)} TB`;
  if (bytes >= GB) return `${(bytes / GB).toFixed(1)} GB`;
  return `${Math.max(1, Math.round(bytes / 1e6))} MB`;
}

/**
 * Refuses work whose estimate passes the limit: a LimitExceededError that says what needs how
 * much (`terrain of a DEM 2,000,000 cells wide`), the limit and how to raise it.
 */
export function checkMemory(bytes: number, limitGb: number, what: string, file?: string): void {
  if (bytes <= limitGb * GB) return;
  throw new LimitExceededError(
    `${what} needs ${bytes < 1e15 ? "about " : ""}${formatBytes(bytes)} of memory, above the limit of ${limitGb} GB; raise it with --memory-limit-gb or ${MEMORY_LIMIT_ENV} if the machine has the memory`,
    { file },
  );
}

/** Bytes of `cells` cells at `bytesPerCell`, as a number even past 2^53 (an estimate, not a size). */
export function cellBytes(width: number, height: number, bytesPerCell: number): number {
  return width * height * bytesPerCell;
}

/** Bytes per sample of a raster sample type (`uint8`, `float32`, ...), as the reader allocates it. */
export function sampleBytes(sampleType: string): number {
  return Number(/\d+$/.exec(sampleType)?.[0] ?? 64) / 8;
}

/** A worker thread's own runtime (its V8 heap and loaded modules), measured at ~40 MB. */
export const BYTES_PER_WORKER = 50e6;
