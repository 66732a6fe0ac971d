import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";

/** Debian's chromium (apt-get install chromium); Playwright's own browser downloads are not used. */
export const CHROMIUM = process.env.QUAKESLIDE_CHROMIUM ?? "/usr/bin/chromium";

/**
 * The `skip` option of a browser test: skipped with a message on a machine without chromium,
 * an error under CI (CI=true), where a skipped browser test would let CI pass untested.
 */
export function skipWithoutChromium(): string | false {
  if (existsSync(CHROMIUM)) return false;
  if (process.env.CI)
    throw new Error(`${CHROMIUM} is required for the browser tests in CI (.ci/run installs chromium)`);
  return `${CHROMIUM} not installed (apt-get install chromium)`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // No sandbox: CI runs as root in a container; the rest keeps the browser off the network.
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** A folder for what a test leaves to look at (screenshots, exported PNGs): gitignored. */
export function artifactDir(name: string): string {
  const dir = join(import.meta.dirname, "..", "..", "test-artifacts", name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
