import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { groupRasters, listRasters } from "../../../dashboard/server/discover.ts";
import { styleOf } from "../../../dashboard/server/layer-kinds.ts";
import { readScenarioRows, scenariosWithMaps } from "../../../dashboard/server/scenarios.ts";

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

test("a campaign's scenario_<id>_<layer>.tif maps of one folder are one layer per scenario", () => {
  const groups = groupRasters([
    "campaign/p_dn_gt_5cm.tif",
    "campaign/scenario_mw7p5_long_dn_cm.tif",
    "campaign/scenario_mw6_dn_cm.tif",
    "campaign/scenario_notes.tif",
  ]);
  assert.deepEqual(
    groups.map((g) => [g.key, g.name, g.files.map((f) => f.scenario)]),
    [
      ["campaign/p_dn_gt_5cm.tif", "p_dn_gt_5cm", [null]],
      ["campaign/scenario_*_dn_cm.tif", "dn_cm", ["mw7p5_long", "mw6"]],
      ["campaign/scenario_notes.tif", "scenario_notes", [null]],
    ],
  );
});

test("scenario magnitudes and landslide areas come from the campaign's scenarios.csv", () => {
  writeFileSync(
    join(dir, "scenarios.csv"),
    "id,mw,weight,landslide_area_m2\nb,7.5,0.1,300\na,6,0.9,\n7,6.5,0,100\n",
  );
  const rows = readScenarioRows(dir);
  assert.deepEqual(rows, [
    { id: "b", mw: 7.5, landslideAreaM2: 300 },
    { id: "a", mw: 6 },
    { id: "7", mw: 6.5, landslideAreaM2: 100 },
  ]);
  // Maps exist for some scenarios only: those are listed, in Mw order.
  assert.deepEqual(scenariosWithMaps(rows, ["b", "a", "unknown"]), [
    { id: "a", mw: 6 },
    { id: "b", mw: 7.5 },
    { id: "unknown" },
  ]);
});

test("layer styles follow the steps' file names and previews", () => {
  assert.deepEqual([styleOf("dn_cm").kind, styleOf("dn_cm").range], ["dn", [0, 30]]);
  assert.deepEqual([styleOf("pf").kind, styleOf("pf").range], ["pf", [0, 0.335]]);
  assert.equal(styleOf("ac").kind, "ac");
  assert.equal(styleOf("acceleration_x").kind, "other");
  assert.equal(styleOf("susceptibility").kind, "susceptibility");
  assert.equal(styleOf("hazard_class").categorical, true);
  assert.equal(styleOf("exceedance_5cm").kind, "exceedance");
  assert.deepEqual(
    [styleOf("p_dn_gt_7p5cm").kind, styleOf("p_dn_gt_7p5cm").title],
    ["exceedance", "P(D_N > 7.5 cm) over the scenarios"],
  );
  assert.equal(styleOf("pfs").kind, "pfs");
  assert.equal(styleOf("ac_sd").kind, "ac-sd");
  assert.deepEqual([styleOf("cohesion").title, styleOf("cohesion").units], ["Cohesion c' (kriged)", "kPa"]);
  assert.equal(styleOf("cohesion_variance").title, "Kriging variance of cohesion (its units squared)");
  assert.equal(styleOf("unstable").categorical, true);
});
