import { type ParseArgsConfig, parseArgs } from "node:util";
import { InputError } from "../core/errors.ts";
import { parseDecimal } from "../core/options.ts";

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

export interface SubVerb {
  help: string;
  run(args: string[]): Promise<number>;
}

/**
 * A verb made of sub-verbs (`quakeslide susceptibility cv ...`): `--help` and `help SUB` show the
 * sub-verb's help, and a missing or unknown sub-verb is one line that lists the known ones.
 */
export function commandWithSubVerbs(
  name: string,
  overview: string,
  subVerbs: Record<string, SubVerb>,
): Command {
  const helpOf = (sub: string | undefined) =>
    sub !== undefined && subVerbs[sub] ? subVerbs[sub].help : overview;
  return {
    name,
    help: overview,
    helpFor: ([sub]) => helpOf(sub),
    async run(args) {
      const [sub, ...rest] = args;
      if (sub === "help") {
        console.log(helpOf(rest[0]));
        return 0;
      }
      const verb = sub === undefined ? undefined : subVerbs[sub];
      if (!verb)
        throw new InputError(
          `${sub === undefined ? "missing sub-verb" : `unknown sub-verb "${sub}"`}: use one of ${Object.keys(subVerbs).join(", ")} (see quakeslide ${name} --help)`,
        );
      return verb.run(rest);
    },
  };
}

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses a verb's options. `--help` is handled by main.ts before this is called; unknown options
 * and missing values become InputErrors so that they exit 2 with one clear line. A negative number
 * after an option (`--scale -1`) is its value, not an option, although parseArgs would refuse it.
 */
export function parseOptions<T extends OptionSpec>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: negativeValuesJoined(args, options), options, strict: true, allowPositionals });
  } catch (error) {
    throw new InputError(`${describeArgsError(error as Error & { code?: string }, options)} (see --help)`);
  }
}

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

function negativeValuesJoined(args: string[], options: OptionSpec): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith("--") ? args[i].slice(2) : undefined;
    const next = args[i + 1];
    if (name && options[name]?.type === "string" && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      joined.push(`${args[i]}=${next}`);
      i++;
    } else joined.push(args[i]);
  }
  return joined;
}

/** parseArgs' messages span several lines and talk about argument parsing; say it in one line. */
function describeArgsError(error: Error & { code?: string }, options: OptionSpec): string {
  const option = /'(--?[^' <]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const near = option ? nearestOption(option.replace(/^-+/, ""), Object.keys(options)) : undefined;
      return `unknown option ${option ?? ""}${near ? ` (did you mean --${near}?)` : ""}`;
    }
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return /does not take an argument/.test(error.message)
        ? `${option} is a flag and takes no value`
        : `option ${option} needs a value`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument ${/'([^']*)'/.exec(error.message)?.[1] ?? ""}: every value follows its --option`;
    default:
      return error.message.split("\n")[0];
  }
}

/** The known option closest to a mistyped one (a few edits away, or a prefix of it), if any. */
function nearestOption(typed: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.ceil(typed.length / 3));
  for (const name of known) {
    const distance = typed.startsWith(name) || name.startsWith(typed) ? 1 : editDistance(typed, name);
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length];
}

export function requireOption<V>(value: V | undefined, name: string): V {
  if (value === undefined || value === "")
    throw new InputError(`missing required option --${name} (see --help)`);
  return value;
}

/** Parses a number option (strict decimal), naming the option when it is not one. */
export function numberOption(value: string | undefined, name: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new InputError(`missing required option --${name} (see --help)`);
    return fallback;
  }
  const parsed = parseDecimal(value);
  if (parsed === undefined) throw new InputError(`--${name}: "${value}" is not a decimal number`);
  return parsed;
}
