#!/usr/bin/env node
// Runs the built CLI (dist/cli, made by `npm run build` and by `npm ci`) when dist/build.json
// says it was built from the sources as they are now; otherwise the TypeScript sources through
// tsx, with a one-line note on stderr. QUAKESLIDE_FROM_SOURCES=1 always runs the sources, quietly.
// An installed package without sources (no cli/main.ts) runs dist/ as it is.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { staleInput } from "./dist-check.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));

/** undefined: run dist/; a string: why the sources run instead ("" for no note). */
function reasonForSources() {
  if (process.env.QUAKESLIDE_FROM_SOURCES) return "";
  if (!existsSync(`${root}cli/main.ts`)) return undefined;
  return staleInput(root, `${root}dist/build.json`);
}

const reason = reasonForSources();
let main;
if (reason === undefined) {
  ({ main } = await import("../dist/cli/main.mjs"));
} else {
  if (reason)
    console.error(
      `quakeslide: running the TypeScript sources through tsx (${reason}; npm run build updates dist/)`,
    );
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../cli/main.ts"));
}
process.exitCode = await main(process.argv.slice(2));
