/**
 * Step Functions' rules for execution names (StartExecution's `name`), which the embedded
 * runtime also applies to the state machine names it files executions under: 1 to 80
 * characters; no white space, brackets `< > { } [ ]`, wildcards `? *`, special characters
 * `" # % \ ^ | ~ \` $ & , ; : /` or control characters. A valid name is a plain file name,
 * never a path (no `/`, `\`), and the runtime refuses `.` and `..` as well.
 */
const FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]/u; // \p{Cc}: U+0000-001F and U+007F-009F

/** Why `name` is not a valid execution name, or undefined when it is. */
export function executionNameProblem(name: string): string | undefined {
  const length = [...name].length;
  if (length < 1 || length > 80) return `it must be 1 to 80 characters long (it has ${length})`;
  const bad = FORBIDDEN.exec(name);
  if (bad) return `it may not contain ${JSON.stringify(bad[0])}`;
  if (name === "." || name === "..") return `it may not be "${name}"`;
  return undefined;
}

/** An error with the name Step Functions gives it (InvalidName), so the API can answer in kind. */
export function invalidNameError(name: string, problem: string): Error {
  return Object.assign(new Error(`execution name ${JSON.stringify(name)} is not valid: ${problem}`), {
    name: "InvalidName",
  });
}
