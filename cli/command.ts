import { type ParseArgsConfig, parseArgs } from "node:util";
import { InputError } from "../core/errors.ts";

/** One verb of the `quakeslide` command; each lives in its own file under cli/commands/. */
export interface Command {
  name: string;
  /** The full `--help` text: usage line, options with units and defaults, an example. */
  help: string;
  /** For verbs with sub-verbs: the help that `args` (the words after the verb) asks for. */
  helpFor?(args: string[]): string;
  /** Returns the exit code. Throw InputError for bad input (exit 2). */
  run(args: string[]): Promise<number>;
}

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses a verb's options. `--help` is handled by main.ts before this is called; unknown options
 * and missing values become InputErrors so that they exit 2 with one clear line.
 */
export function parseOptions<T extends OptionSpec>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    throw new InputError(`${(error as Error).message} (see --help)`);
  }
}

export function requireOption<V>(value: V | undefined, name: string): V {
  if (value === undefined || value === "")
    throw new InputError(`missing required option --${name} (see --help)`);
  return value;
}

/** Parses a number option, naming the option when it is not a finite number. */
export function numberOption(value: string | undefined, name: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new InputError(`missing required option --${name} (see --help)`);
    return fallback;
  }
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed))
    throw new InputError(`--${name} must be a number, got "${value}"`);
  return parsed;
}

/** Parses a comma-separated list of numbers such as `--ac 0.02,0.05,0.1`. */
export function numberListOption(value: string | undefined, name: string): number[] {
  const text = requireOption(value, name);
  return text.split(",").map((part) => numberOption(part.trim(), name));
}
