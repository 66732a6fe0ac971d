import type { z } from "zod";
import { InputError } from "./errors.ts";

/**
 * One way to validate a step's options and to say what is wrong with them, shared by the CLI
 * (which names `--kebab-case` options), the handlers and containers (which name event fields)
 * and core (which re-checks what it is given). Every message reads `<name>: <problem>, got <value>`.
 */

/** Turns an issue's path into the name the user wrote: `cohesion`, `forest.trees`, `--min-node-size`. */
export type FieldNamer = (path: readonly PropertyKey[]) => string;

export const dottedPath: FieldNamer = (path) => path.map(String).join(".");

/** A decimal number, as a user types it: `12`, `-0.5`, `1e-3`, `.5`. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a decimal number strictly: hexadecimal (`0x1E`), `1e`, blanks, `Infinity` and values that
 * overflow to infinity are not numbers here, although `Number()` accepts most of them.
 */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** A value as the user would recognise it in a message. */
export function showValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const TYPE_NOUNS: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  string: "text",
  boolean: "true or false",
  array: "a list",
  object: "an object",
};

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

type Issue = z.core.$ZodIssue;

function bound(issue: { inclusive?: boolean; minimum?: unknown; maximum?: unknown }, below: boolean) {
  const limit = below ? issue.minimum : issue.maximum;
  return `${below ? ">" : "<"}${issue.inclusive ? "=" : ""} ${String(limit)}`;
}

/** The alternatives a union accepts, from the first issue of each branch: `"loo", "none" or a number`. */
function alternatives(issue: Extract<Issue, { code: "invalid_union" }>): string {
  const names = issue.errors.flatMap((branch) => {
    const first = branch[0];
    if (!first) return [];
    if (first.code === "invalid_value") return first.values.map((v) => JSON.stringify(v));
    if (first.code === "invalid_type") return [TYPE_NOUNS[first.expected] ?? first.expected];
    return [];
  });
  const unique = [...new Set(names)];
  return unique.length > 1 ? `${unique.slice(0, -1).join(", ")} or ${unique.at(-1)}` : (unique[0] ?? "");
}

/** What is wrong, without the name: `must be >= 0, got -1`. */
export function describeProblem(issue: Issue, value: unknown): string {
  const got = `, got ${showValue(value)}`;
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return "is required";
      return `must be ${TYPE_NOUNS[issue.expected] ?? issue.expected}${got}`;
    case "too_small":
      if (issue.origin === "string") return "must not be empty";
      if (issue.origin === "array" || issue.origin === "set")
        return `needs at least ${String(issue.minimum)} value(s)${got}`;
      return `must be ${bound(issue, true)}${got}`;
    case "too_big":
      if (issue.origin === "array" || issue.origin === "set")
        return `takes at most ${String(issue.maximum)} value(s)${got}`;
      return `must be ${bound(issue, false)}${got}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${showValue(issue.values[0])}${got}`
        : `must be one of ${issue.values.map((v) => String(v)).join(", ")}${got}`;
    case "invalid_union": {
      // A value of the right type that failed a constraint of its branch: say that, not "wrong type".
      const typed = issue.errors.find((branch) => branch.length > 0 && branch[0].code !== "invalid_type");
      if (typed && typed[0].code !== "invalid_value") return describeProblem(typed[0], value);
      return value === undefined ? "is required" : `must be ${alternatives(issue)}${got}`;
    }
    case "unrecognized_keys":
      return `unknown field(s) ${issue.keys.join(", ")}`;
    case "custom":
      return value === undefined || typeof value === "object" ? issue.message : `${issue.message}${got}`;
    default:
      return issue.message;
  }
}

/** Issues on one line (CLI and Step Functions show one line): `cohesion: must be >= 0, got -1; ...`. */
export function describeIssues(error: z.ZodError, input: unknown, nameOf: FieldNamer = dottedPath): string {
  const parts = error.issues.slice(0, 4).map((issue) => {
    const problem = describeProblem(issue, valueAt(input, issue.path));
    return issue.path.length > 0 ? `${nameOf(issue.path)}: ${problem}` : problem;
  });
  return `${parts.join("; ")}${error.issues.length > 4 ? "; ..." : ""}`;
}

/**
 * Validates options with their schema; a violation becomes an InputError that starts with `what`
 * (`stability options`; none when empty) and names each field as `nameOf` writes it.
 */
export function parseOptionsWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  nameOf: FieldNamer = dottedPath,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = describeIssues(result.error, value, nameOf);
  throw new InputError(what ? `${what}: ${problems}` : problems);
}
