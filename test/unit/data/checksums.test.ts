import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const dataDir = new URL("../../../data/", import.meta.url);

/** The `sha256  path` lines of data/README.md's fenced blocks. */
function listedChecksums(): [string, string][] {
  const readme = readFileSync(new URL("README.md", dataDir), "utf8");
  return [...readme.matchAll(/^([0-9a-f]{64}) +(\S+)$/gm)].map((m) => [m[1], m[2]]);
}

test("data/README.md lists a checksum for every bundled data file", () => {
  const listed = listedChecksums().map(([, path]) => path);
  assert.ok(listed.length >= 5, `expected the bundled files to be listed, found ${listed.length}`);
  for (const required of [
    "ecuador/dem.tif",
    "ecuador/ta.tif",
    "ecuador/lsl.csv",
    "records/RSN763_LOMAP_GIL067.AT2",
  ]) {
    assert.ok(listed.includes(required), `${required} has no sha256 line in data/README.md`);
  }
});

test("every bundled data file matches its sha256 in data/README.md", () => {
  for (const [expected, path] of listedChecksums()) {
    const actual = createHash("sha256")
      .update(readFileSync(new URL(path, dataDir)))
      .digest("hex");
    assert.equal(actual, expected, `data/${path} changed: its sha256 no longer matches data/README.md`);
  }
});
