import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { groupRasters, listRasters } from "../../../dashboard/server/discover.ts";
import { styleOf } from "../../../dashboard/server/layer-kinds.ts";

const dir = mkdtempSync(join(tmpdir(), "discover-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function touch(rel: string, body = "x") {
  mkdirSync(join(dir, rel, ".."), { recursive: true });
  writeFileSync(join(dir, rel), body);
}

test("a run folder's rasters are found by walking it, hidden folders and empty files left out", () => {
  touch("terrain/slope.tif");
  touch("newmark/dn_cm.tif");
  touch("newmark/dn_cm.png");
  touch(".tmp/partial.tif");
  touch("empty.tif", "");
  assert.deepEqual(listRasters(dir), ["newmark/dn_cm.tif", "terrain/slope.tif"]);
});

test("the manifest's outputs, when it lists some, decide what is shown", () => {
  writeFileSync(
    join(dir, "manifest.json"),
    JSON.stringify({
      outputs: { "newmark/dn_cm.tif": { sha256: "..." }, "../outside.tif": {}, "gone.tif": {} },
    }),
  );
  assert.deepEqual(listRasters(dir), ["newmark/dn_cm.tif"]);
  rmSync(join(dir, "manifest.json"));
});

test("files of one name in sibling folders are one layer with a scenario each", () => {
  const groups = groupRasters([
    "scenarios/m5.5/dn_cm.tif",
    "scenarios/m6.5/dn_cm.tif",
    "scenarios/m6.5/pf.tif",
    "scenarios/m5.5/pf.tif",
    "stability/ac.tif",
    "a/x/slope.tif",
    "b/y/slope.tif",
  ]);
  assert.deepEqual(
    groups.map((g) => [g.key, g.files.map((f) => f.scenario)]),
    [
      ["a/x/slope.tif", [null]], // two folders differ: not one scenario segment
      ["b/y/slope.tif", [null]],
      ["scenarios/*/dn_cm.tif", ["m5.5", "m6.5"]],
      ["scenarios/*/pf.tif", ["m6.5", "m5.5"]],
      ["stability/ac.tif", [null]],
    ],
  );
});

test("layer styles follow the steps' file names and previews", () => {
  assert.deepEqual([styleOf("dn_cm").kind, styleOf("dn_cm").range], ["dn", [0, 30]]);
  assert.deepEqual([styleOf("pf").kind, styleOf("pf").range], ["pf", [0, 0.335]]);
  assert.equal(styleOf("ac").kind, "ac");
  assert.equal(styleOf("acceleration_x").kind, "other");
  assert.equal(styleOf("susceptibility").kind, "susceptibility");
  assert.equal(styleOf("hazard_class").categorical, true);
  assert.equal(styleOf("exceedance_5cm").kind, "exceedance");
});
