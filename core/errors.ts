/**
 * An error in what the user gave us (a file, a value, an option): the CLI prints its message on
 * one line and exits 2; a Lambda handler returns it as a typed failure. The message must name
 * the file (and line, band or cell where it helps) and the problem.
 */
export class InputError extends Error {
  override readonly name = "InputError";
  readonly file?: string;

  constructor(message: string, options: { file?: string; cause?: unknown } = {}) {
    super(options.file && !message.includes(options.file) ? `${options.file}: ${message}` : message, {
      cause: options.cause,
    });
    this.file = options.file;
  }
}

export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}
