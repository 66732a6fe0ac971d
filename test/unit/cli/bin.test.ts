import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, beforeEach, test } from "node:test";
import { writeBuildManifest } from "../../../bin/dist-check.mjs";

// bin/quakeslide.mjs chooses between dist/ and the TypeScript sources. A stand-in package holds
// the real bin and a one-line "CLI" on each side, which prints where it runs from; its
// node_modules is the repository's, for tsx.

const pkg = mkdtempSync(join(tmpdir(), "quakeslide-bin-"));
const source = (word: string) =>
  `export async function main(): Promise<number> {\n  console.log("${word}");\n  return 0;\n}\n`;

beforeEach(() => {
  rmSync(pkg, { recursive: true, force: true });
  for (const folder of ["bin", "cli", "dist/cli"]) mkdirSync(join(pkg, folder), { recursive: true });
  writeFileSync(join(pkg, "package.json"), '{ "type": "module" }\n');
  cpSync("bin/quakeslide.mjs", join(pkg, "bin", "quakeslide.mjs"));
  cpSync("bin/dist-check.mjs", join(pkg, "bin", "dist-check.mjs"));
  symlinkSync(resolve("node_modules"), join(pkg, "node_modules"));
  writeFileSync(join(pkg, "cli", "main.ts"), source("sources"));
  writeFileSync(
    join(pkg, "dist", "cli", "main.mjs"),
    'export async function main() { console.log("dist"); return 0; }\n',
  );
  writeBuildManifest(pkg, join(pkg, "dist", "build.json"), ["cli/main.ts"]);
});

after(() => rmSync(pkg, { recursive: true, force: true }));

function quakeslide(env: Record<string, string> = {}) {
  const { QUAKESLIDE_FROM_SOURCES: _, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [join(pkg, "bin", "quakeslide.mjs")], {
    encoding: "utf8",
    env: { ...inherited, ...env },
  });
  assert.equal(result.status, 0, result.stderr);
  return { ranFrom: result.stdout.trim(), note: result.stderr.trim() };
}

test("runs dist/ quietly when it was built from the sources as they are", () => {
  assert.deepEqual(quakeslide(), { ranFrom: "dist", note: "" });
});

test("a source touched but unchanged (a checkout) still runs dist/: the hash decides, not the time", () => {
  utimesSync(join(pkg, "cli", "main.ts"), new Date(), new Date(Date.now() + 5000));
  assert.deepEqual(quakeslide(), { ranFrom: "dist", note: "" });
});

test("a changed source runs the sources through tsx, with a one-line note naming the file", () => {
  writeFileSync(join(pkg, "cli", "main.ts"), source("edited"));
  const { ranFrom, note } = quakeslide();
  assert.equal(ranFrom, "edited");
  assert.equal(note.split("\n").length, 1);
  assert.match(note, /cli\/main\.ts changed; npm run build/);
});

test("an edit of the same size is caught too", () => {
  writeFileSync(join(pkg, "cli", "main.ts"), source("SOURCES"));
  assert.equal(quakeslide().ranFrom, "SOURCES");
});

test("without a build (or after a failed one: build.json is written last) the sources run", () => {
  rmSync(join(pkg, "dist", "build.json"));
  const { ranFrom, note } = quakeslide();
  assert.equal(ranFrom, "sources");
  assert.match(note, /dist\/ is not built/);
});

test("QUAKESLIDE_FROM_SOURCES=1 runs the sources without a note", () => {
  assert.deepEqual(quakeslide({ QUAKESLIDE_FROM_SOURCES: "1" }), { ranFrom: "sources", note: "" });
});

test("an installed package without sources runs dist/", () => {
  rmSync(join(pkg, "cli"), { recursive: true });
  assert.deepEqual(quakeslide(), { ranFrom: "dist", note: "" });
});
