/**
 * The errors Quakeslide raises on purpose, shared by core, the CLI, the handlers, the containers
 * and the local runtime. Each has a `kind` that decides what the user sees:
 *
 * | class              | kind      | CLI exit | Step Functions          | meaning                              |
 * |--------------------|-----------|----------|-------------------------|--------------------------------------|
 * | InputError         | input     | 2        | caught, not retried     | a file, value or option is wrong     |
 * | NotFoundError      | not-found | 2        | caught, not retried     | a file, object, run or flow is absent|
 * | LimitExceededError | limit     | 2        | caught, not retried     | the work would pass a size limit     |
 * | InternalError      | internal  | 1        | retried as a task error | a bug or an environment failure      |
 *
 * Any other exception is internal too. The message must name the file (and line, band or cell
 * where it helps) and the problem, on one line. Errors cross thread, process and Lambda
 * boundaries as `{ name, message }`; `errorFromName` turns them back into the same class.
 */
export type ErrorKind = "input" | "not-found" | "limit" | "internal";

export abstract class QuakeslideError extends Error {
  abstract readonly kind: ErrorKind;
  /** The user's file (or S3 URI) the problem is in, when there is one. */
  readonly file?: string;

  constructor(message: string, options: { file?: string; cause?: unknown } = {}) {
    super(options.file && !message.includes(options.file) ? `${options.file}: ${message}` : message, {
      cause: options.cause,
    });
    this.file = options.file;
  }
}

/** Something the user gave (a file, a value, an option) is wrong. */
export class InputError extends QuakeslideError {
  override readonly name = "InputError";
  readonly kind = "input";
}

/** A file, S3 object, run, flow or function the user named does not exist. */
export class NotFoundError extends QuakeslideError {
  override readonly name = "NotFoundError";
  readonly kind = "not-found";
}

/**
 * The work would pass a size limit (memory, cells, time steps). The message states the estimate,
 * the limit and the option that raises it.
 */
export class LimitExceededError extends QuakeslideError {
  override readonly name = "LimitExceededError";
  readonly kind = "limit";
}

/** A failure that is not the user's: a bug, a full disk, a service error. */
export class InternalError extends QuakeslideError {
  override readonly name = "InternalError";
  readonly kind = "internal";
}

/** The names Step Functions' Catch lists as "the user's fault: do not retry". */
export const USER_ERROR_NAMES = ["InputError", "NotFoundError", "LimitExceededError"] as const;

const CLASSES = { InputError, NotFoundError, LimitExceededError, InternalError } as const;

/** The kind of any thrown value; a value that is no QuakeslideError is internal. */
export function errorKind(error: unknown): ErrorKind {
  return error instanceof QuakeslideError ? error.kind : "internal";
}

/** True for the kinds the user can fix (input, not-found, limit): exit 2, no retry. */
export function isUserError(error: unknown): error is QuakeslideError {
  return errorKind(error) !== "internal";
}

/** Kept for the many call sites that only ask "is this the user's fault?". */
export function isInputError(error: unknown): error is QuakeslideError {
  return isUserError(error);
}

/** CLI exit code: 2 for the user's errors, 1 otherwise. */
export function exitCodeOf(error: unknown): 1 | 2 {
  return isUserError(error) ? 2 : 1;
}

/**
 * Rebuilds an error that crossed a boundary as `{ name, message }` (worker thread, child process,
 * Lambda `errorType`, Batch log line). An unknown name becomes an InternalError with the message.
 */
export function errorFromName(name: string | undefined, message: string): QuakeslideError {
  const Class = CLASSES[name as keyof typeof CLASSES] ?? InternalError;
  return new Class(message);
}
