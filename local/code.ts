import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { StackTemplates } from "./templates.ts";

/**
 * dist/ when this module runs from the built CLI (dist/cli/*.mjs), undefined when it runs from
 * its TypeScript source (through tsx: the tests, or a CLI whose build is stale). Not written as
 * `new URL("../", import.meta.url)`, which the build rewrites to point into the repository.
 */
const BUILT_ROOT = import.meta.url.endsWith(".ts")
  ? undefined
  : dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * The built CLI runs the package's own functions and containers from the bundles built beside it
 * (the files the Lambdas and the Batch images run) and its templates synthesized at build time;
 * another project's, and everything when running from sources, come from that project's
 * TypeScript.
 */
function builtFor(projectRoot: string): string | undefined {
  return BUILT_ROOT !== undefined && resolve(projectRoot) === resolve(BUILT_ROOT, "..")
    ? BUILT_ROOT
    : undefined;
}

/** The module a function runs: functions/<folder>/handler.ts, or its bundle dist/functions/<folder>/index.mjs. */
export function handlerFile(projectRoot: string, folder: string): string {
  const built = builtFor(projectRoot);
  return built
    ? join(built, "functions", folder, "index.mjs")
    : join(projectRoot, "functions", folder, "handler.ts");
}

/** The file a Batch job runs: containers/<folder>/entrypoint.ts, or the image's bundle dist/containers/<folder>/entrypoint.mjs. */
export function containerEntrypoint(projectRoot: string, folder: string): string {
  const built = builtFor(projectRoot);
  return built
    ? join(built, "containers", folder, "entrypoint.mjs")
    : join(projectRoot, "containers", folder, "entrypoint.ts");
}

/** The app's stage-`local` templates built with the bundles (scripts/build.ts), if this is the built CLI's own project. */
export function builtTemplates(projectRoot: string): StackTemplates | undefined {
  const built = builtFor(projectRoot);
  const file = built && join(built, "templates", "local.json");
  if (!file || !existsSync(file)) return undefined;
  return new Map(Object.entries(JSON.parse(readFileSync(file, "utf8"))));
}

let typeScriptRegistered = false;

/** Lets this process import a .ts file: already so from sources; the built CLI registers tsx once. */
export async function enableTypeScriptImports(): Promise<void> {
  if (BUILT_ROOT === undefined || typeScriptRegistered) return;
  const { register } = await import("tsx/esm/api");
  register();
  typeScriptRegistered = true;
}
