import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const dataDir = new URL("../../../data/ecuador/", import.meta.url).pathname;

test("the synthetic soil samples are what their committed script makes, within the documented ranges", () => {
  const made = execFileSync(process.execPath, [`${dataDir}make_soil_samples_synthetic.mjs`], {
    encoding: "utf8",
  });
  assert.equal(made, readFileSync(`${dataDir}soil_samples_synthetic.csv`, "utf8"));
  const rows = made
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(",").map(Number));
  assert.equal(rows.length, 80);
  for (const [x, y, cohesion, friction] of rows) {
    assert.ok(
      x > 711962.727 && x < 711962.727 + 3830 && y < 9561011.76 && y > 9561011.76 - 4150,
      `${x} ${y}`,
    );
    assert.ok(cohesion >= 5 && cohesion <= 25 && friction >= 28 && friction <= 38, `${cohesion} ${friction}`);
  }
});
