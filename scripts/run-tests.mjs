#!/usr/bin/env node
// Node 20's `--test` does not expand globs or pick up .ts files, so collect them here (from
// folders or single files) and hand the list to the built-in runner (TypeScript through tsx).
// Extra args after `--` go to the runner.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const args = process.argv.slice(2);
const sep = args.indexOf("--");
const roots = sep >= 0 ? args.slice(0, sep) : args;
const passThrough = sep >= 0 ? args.slice(sep + 1) : [];

function collect(dir, out) {
  if (!existsSync(dir)) return out;
  if (!statSync(dir).isDirectory()) return dir.endsWith(".test.ts") ? [...out, dir] : out;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

const files = roots.flatMap((root) => collect(root, []));
if (files.length === 0) {
  console.error(`no *.test.ts files under ${roots.join(", ")}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=1", ...passThrough, ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
