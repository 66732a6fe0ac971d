/**
 * The `skip` option of a cross-check that needs a reference tool. On a developer's machine a
 * missing tool skips the check with a message; under CI (CI=true) it is an error, since a skipped
 * cross-check there would let CI pass without comparing anything.
 */
export function skipUnlessInstalled(installed: boolean, what: string): string | false {
  if (installed) return false;
  if (process.env.CI) throw new Error(`${what} is required for the cross-checks in CI (.ci/run installs it)`);
  return `${what} not installed`;
}
