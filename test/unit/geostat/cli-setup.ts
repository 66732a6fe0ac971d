// Shared set-up of the krige CLI tests: a scratch folder, the meuse samples as log(zinc), the
// gstat reference predictions, a meuse.grid GeoTIFF template, and in-process CLI runs.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { writeCog } from "../../../core/raster/index.ts";
import { runQuakeslide } from "../../helpers/run-cli.ts";
import { meuseLogZinc, readFixture } from "./helpers.ts";

export const scratch = mkdtempSync(join(tmpdir(), "quakeslide-krige-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
export const FIXED = "sph(nugget=0.05,psill=0.59,range=897)";
export const meuse = meuseLogZinc();
export const reference = readFixture("krige_fixed_model.csv", [
  "x",
  "y",
  "ok20_pred",
  "ok20_var",
  "sk_pred",
  "sk_var",
]);

/** meuse with a logzinc column, so that kriging it is what gstat's log(zinc) ~ 1 does. */
export const logSamples = join(scratch, "meuse_log.csv");
writeFileSync(
  logSamples,
  `x,y,logzinc\n${[...meuse.x].map((x, i) => `${x},${meuse.y[i]},${meuse.z[i]}`).join("\n")}\n`,
);

export const runCli = (args: string[]) => runQuakeslide(["krige", ...args]);

export function readPredictions(path: string) {
  const rows = readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",").map(Number));
  return { pred: rows.map((r) => r[2]), variance: rows.map((r) => r[3]) };
}

/** meuse.grid as a 40 m GeoTIFF template in EPSG:28992; cells outside meuse.grid are nodata. */
export async function meuseTemplate(): Promise<{ path: string; cellOf: (i: number) => number }> {
  const path = join(scratch, "meuse_grid.tif");
  const [x0, y0, width, height] = [178440, 333760, 78, 104];
  const cellOf = (i: number) =>
    Math.round((y0 - 20 - reference.y[i]) / 40) * width + Math.round((reference.x[i] - x0 - 20) / 40);
  const band = new Float32Array(width * height).fill(Number.NaN);
  for (let i = 0; i < reference.x.length; i++) band[cellOf(i)] = 1;
  await writeCog(path, {
    width,
    height,
    transform: [x0, 40, 0, y0, 0, -40],
    crs: { epsg: 28992, geographic: false },
    bands: [band],
  });
  return { path, cellOf };
}

// Predictions are stored as float32 (relative rounding 6e-8), well inside the issue's 1e-6 target.
export const FLOAT32_TOLERANCE = 1e-6;

export async function assertRefused(args: string[], pattern: RegExp, name: string) {
  const out = join(scratch, `bad-${name}`);
  const { code, stderr } = await runCli([...args, "--out", out]);
  assert.equal(code, 2, `${name}: ${stderr}`);
  assert.match(stderr, pattern);
  assert.equal(stderr.split("\n").length, 1);
  assert.equal(existsSync(out), false, `${name}: no partial output`);
}

export function samplesFile(name: string, body: string): string {
  const path = join(scratch, name);
  writeFileSync(path, body);
  return path;
}
