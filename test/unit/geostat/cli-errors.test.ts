import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { assertRefused, meuseTemplate, runCli, samplesFile, scratch } from "./cli-setup.ts";
import { fixture } from "./helpers.ts";

test("bad input: clear one-line errors, exit 2, no output", async () => {
  const grid = ["--grid", fixture("meuse_grid.csv")];
  const duplicate = samplesFile("dup.csv", "x,y,v\n0,0,1\n10,0,2\n0,0,3\n20,5,4\n7,9,2\n");
  await assertRefused(
    ["--samples", duplicate, "--value", "v", ...grid],
    /lines 2 and 4 are at the same location \(0, 0\).*--duplicates average/,
    "duplicate",
  );
  const text = samplesFile("text.csv", "x,y,v\n0,0,1\n10,0,abc\n");
  await assertRefused(
    ["--samples", text, "--value", "v", ...grid],
    /text\.csv: line 3, column "v": "abc" is not a number/,
    "text",
  );
  const flat = samplesFile("flat.csv", "x,y,v\n0,0,2\n10,0,2\n0,10,2\n20,5,2\n");
  await assertRefused(
    ["--samples", flat, "--value", "v", ...grid],
    /all 4 values of column "v" are equal/,
    "constant",
  );
  const few = samplesFile("few.csv", "x,y,v\n0,0,2\n10,0,3\n");
  await assertRefused(["--samples", few, "--value", "v", ...grid], /2 sample\(s\).*needs at least 3/, "few");
  await assertRefused(
    ["--samples", fixture("meuse.csv"), "--value", "nope", ...grid],
    /no column "nope"/,
    "column",
  );
  await assertRefused(
    ["--samples", fixture("meuse.csv"), "--value", "zinc", ...grid, "--variogram", "sph(psill=1)"],
    /needs psill= and range=/,
    "variogram",
  );
  await assertRefused(
    ["--samples", fixture("meuse.csv"), "--value", "zinc", ...grid, "--method", "magic"],
    /--method: must be one of ordinary, simple, universal, regression, got "magic"/,
    "method",
  );
  const close = samplesFile("close.csv", "x,y,v\n0,0,1\n0.00001,0,2\n50,0,3\n0,60,4\n");
  const singular = [
    "--samples",
    close,
    "--value",
    "v",
    ...grid,
    "--variogram",
    "gau(nugget=0,psill=1,range=100)",
    "--cv",
    "none",
  ];
  await assertRefused(singular, /singular kriging system/, "singular");
});

test("--duplicates average merges samples at one location; a CRS mismatch with the template is refused", async () => {
  const duplicate = samplesFile("dup2.csv", "x,y,v\n0,0,1\n10,0,2\n0,0,3\n20,5,4\n7,9,2\n");
  const points = samplesFile("points.csv", "x,y\n5,5\n");
  const out = join(scratch, "averaged");
  const { code, stdout } = await runCli([
    "--samples",
    duplicate,
    "--value",
    "v",
    "--grid",
    points,
    "--variogram",
    "exp(nugget=0.1,psill=1,range=10)",
    "--duplicates",
    "average",
    "--out",
    out,
    "--json",
  ]);
  assert.equal(code, 0);
  assert.equal(JSON.parse(stdout).samples, 4);
  const { path } = await meuseTemplate();
  const lonLat = samplesFile("lonlat.csv", "x,y,v\n5.73,50.97,1\n5.74,50.96,2\n5.75,50.98,3\n5.72,50.99,5\n");
  await assertRefused(
    ["--samples", lonLat, "--value", "v", "--grid", path],
    /no sample lies near the grid.*EPSG:28992/,
    "crs",
  );
});

test("global kriging of more than 4,000 samples is refused before any heavy work, pointing to --nmax", async () => {
  const rows = Array.from({ length: 4001 }, (_, i) => `${(i * 7919) % 1000},${Math.floor(i / 3)},${i % 17}`);
  const many = samplesFile("many.csv", `x,y,v\n${rows.join("\n")}\n`);
  const args = [
    "--samples",
    many,
    "--value",
    "v",
    "--grid",
    fixture("meuse_grid.csv"),
    "--variogram",
    "exp(psill=1,range=100)",
  ];
  await assertRefused(args, /global kriging of 4001 samples.*give --nmax/, "many");
});
