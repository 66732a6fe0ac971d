import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { bandAsFloat32, readRaster } from "../../core/raster/index.ts";
import { EmbeddedRuntime } from "../../local/runtime.ts";
import { type CliResult, runQuakeslide } from "../helpers/run-cli.ts";
import { NETWORK_REFERENCE } from "../unit/report/no-network.ts";

// `quakeslide run` on the bundled Ecuador data, in this process, through the embedded runtime: the
// product of one default run is shared by the checks below; a second run with a stronger event
// and a third with an impossible one reuse the same runtime folder (and its unchanged steps).

const repositoryRoot = join(import.meta.dirname, "..", "..");
let workDir: string;
let stateDir: string;
let out: string;
let first: CliResult;

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), "quakeslide-pipeline-"));
  stateDir = join(workDir, "state");
  out = join(workDir, "out");
  first = await runQuakeslide(["run", "--out", out, "--state-dir", stateDir, "--json"]);
});

after(() => rmSync(workDir, { recursive: true, force: true }));

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const band = async (dir: string, name: string) => bandAsFloat32(await readRaster(join(dir, name)));
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));

function meanOver(values: Float32Array, keep: (i: number) => boolean): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i]) || !keep(i)) continue;
    sum += values[i];
    n++;
  }
  return sum / n;
}

test("quakeslide run: every raster as COG + PNG, report.html without network, manifest listing every file with its SHA-256", () => {
  assert.equal(first.code, 0, first.stderr);
  const summary = JSON.parse(first.stdout);
  const files = readdirSync(out).sort();
  assert.deepEqual(files, [...summary.files].sort());
  const rasters = files.filter((f) => f.endsWith(".tif"));
  for (const name of [
    "slope",
    "cohesion",
    "cohesion_variance",
    "fs",
    "ac",
    "pfs",
    "ac_sd",
    "pga",
    "pgv",
    "dn_cm",
    "pf",
    "susceptibility",
    "hazard_class",
  ])
    assert.ok(rasters.includes(`${name}.tif`), `${name}.tif`);
  for (const tif of rasters)
    assert.ok(files.includes(tif.replace(/\.tif$/, ".png")), `${tif} has its preview`);
  assert.doesNotMatch(readFileSync(join(out, "report.html"), "utf8"), NETWORK_REFERENCE);

  const manifest = manifestOf(out);
  assert.deepEqual(
    Object.keys(manifest.outputs).sort(),
    files.filter((f) => f !== "manifest.json"),
  );
  for (const [name, entry] of Object.entries(manifest.outputs as Record<string, { sha256: string }>))
    assert.equal(entry.sha256, sha256(join(out, name)), `${name}: checksum in the manifest`);
  // Inputs with their checksums: the bundled DEM is the file data/README.md lists.
  assert.equal(manifest.inputs.dem.sha256, sha256(join(repositoryRoot, "data/ecuador/dem.tif")));
  assert.equal(
    manifest.inputs["krige.samples"].sha256,
    sha256(join(repositoryRoot, "data/ecuador/soil_samples_synthetic.csv")),
  );
  assert.equal(
    manifest.codeVersion,
    JSON.parse(readFileSync(join(repositoryRoot, "package.json"), "utf8")).version,
  );
  assert.match(manifest.product, /\/hazard\/[0-9a-f]{32}\/$/, "a key derived from the inputs");
  // The STAC item's footprint is the DEM's, around 79.07 W, 3.99 S.
  const [west, south, east, north] = manifest.stac.bbox;
  assert.ok(west > -79.1 && east < -79.05 && south > -4.01 && north < -3.96, String(manifest.stac.bbox));
});

test("plausible values and known relations: shaking, probabilities, classes, steep cells above flat ones", async () => {
  const pga = await band(out, "pga.tif");
  const pf = await band(out, "pf.tif");
  const pfs = await band(out, "pfs.tif");
  const acSd = await band(out, "ac_sd.tif");
  const hazard = await band(out, "hazard_class.tif");
  const slope = await band(out, "slope.tif");
  const fs = await band(out, "fs.tif");
  const range = (values: Float32Array) => {
    let [low, high] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    for (const v of values) {
      if (Number.isNaN(v)) continue;
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
    return [low, high];
  };
  // Mw 6.5 reverse, 9-16 km away, Vs30 760: BSSA14 medians of 0.1-0.3 g.
  const [pgaMin, pgaMax] = range(pga);
  assert.ok(pgaMin > 0.1 && pgaMax < 0.3, `PGA ${pgaMin}-${pgaMax} g`);
  const [pfMin, pfMax] = range(pf);
  assert.ok(pfMin >= 0 && pfMax <= 0.335 + 1e-6, "P(f) of Jibson et al. (2000) stays below 0.335");
  assert.ok(range(pfs)[0] >= 0 && range(pfs)[1] <= 1 && range(acSd)[0] >= 0);
  assert.deepEqual([...new Set(hazard.filter((v) => !Number.isNaN(v)))].sort(), [1, 2, 3, 4]);
  const steep = (i: number) => slope[i] > 40;
  const gentle = (i: number) => slope[i] < 20;
  assert.ok(meanOver(hazard, steep) > meanOver(hazard, gentle) + 1, "steep cells rank above gentle ones");
  assert.ok(meanOver(pfs, steep) > meanOver(pfs, gentle));
  assert.ok(meanOver(fs, steep) < meanOver(fs, gentle));
  // The random forest's spatial cross-validation (Muenchow et al. 2012 report AUROCs near 0.75 here).
  const model = JSON.parse(readFileSync(join(out, "susceptibility_model.json"), "utf8"));
  assert.ok(model.cv.aurocMean > 0.65 && model.cv.aurocMean < 0.95, `spatial-CV AUROC ${model.cv.aurocMean}`);
  // Area per class adds up to the mapped area (10 m cells).
  const classes = JSON.parse(first.stdout).hazard.classes as { cells: number; areaKm2: number }[];
  const cells = classes.reduce((s, c) => s + c.cells, 0);
  assert.ok(Math.abs(classes.reduce((s, c) => s + c.areaKm2, 0) - cells * 1e-4) < 1e-9);
});

test("hazard rises with PGA: a stronger, closer event raises P(f) in every cell; unchanged steps are reused", async () => {
  const scenario = join(workDir, "strong.json");
  writeFileSync(
    scenario,
    JSON.stringify({
      event: {
        id: "strong",
        magnitude: 7.2,
        mechanism: "RS",
        hypocentre: { lon: -79.05, lat: -3.96, depthKm: 10 },
      },
    }),
  );
  const strongOut = join(workDir, "strong");
  const second = await runQuakeslide([
    "run",
    "--scenario",
    scenario,
    "--out",
    strongOut,
    "--state-dir",
    stateDir,
    "--json",
  ]);
  assert.equal(second.code, 0, second.stderr);
  const [pgaWeak, pgaStrong] = [await band(out, "pga.tif"), await band(strongOut, "pga.tif")];
  const [pfWeak, pfStrong] = [await band(out, "pf.tif"), await band(strongOut, "pf.tif")];
  for (let i = 0; i < pfWeak.length; i++) {
    if (Number.isNaN(pfWeak[i])) continue;
    assert.ok(pgaStrong[i] > pgaWeak[i], `cell ${i}: PGA`);
    assert.ok(pfStrong[i] >= pfWeak[i] - 1e-6, `cell ${i}: P(f) ${pfStrong[i]} < ${pfWeak[i]}`);
  }
  const all = () => true;
  assert.ok(
    meanOver(await band(strongOut, "hazard_class.tif"), all) >
      meanOver(await band(out, "hazard_class.tif"), all),
  );
  const steps = manifestOf(strongOut).steps;
  for (const step of ["terrain", "krige", "stability", "susceptibilityModel", "susceptibility"])
    assert.equal(steps[step].reused, true, step);
  for (const step of ["groundMotion", "newmark", "hazard"]) assert.equal(steps[step].reused, false, step);
});

test("a step that fails: exit 2 with one line naming the step and the problem, no output folder, no manifest", async () => {
  const scenario = join(workDir, "far.json");
  writeFileSync(
    scenario,
    JSON.stringify({ event: { id: "far", magnitude: 7, hypocentre: { lon: -70, lat: 5 } } }),
  );
  const failedOut = join(workDir, "far");
  const failed = await runQuakeslide([
    "run",
    "--scenario",
    scenario,
    "--out",
    failedOut,
    "--state-dir",
    stateDir,
  ]);
  assert.equal(failed.code, 2, failed.stderr);
  const errorLines = failed.stderr.split("\n").filter((line) => line.includes("error"));
  assert.equal(errorLines.length, 1);
  assert.match(
    errorLines[0],
    /hazard-pipeline failed in GroundMotion: .*Rjb = \d+(\.\d+)? km is outside the range of BSSA14/,
  );
  assert.equal(existsSync(failedOut), false);
  // The runtime's record: two products (the runs above), the failed run FAILED with its reason.
  const runtime = await EmbeddedRuntime.start({ projectRoot: repositoryRoot, stateDir });
  try {
    const results = runtime.bucketName("ResultsBucket");
    const listed = await runtime.s3Client.send(
      new ListObjectsV2Command({ Bucket: results, Prefix: "hazard/" }),
    );
    const manifests = (listed.Contents ?? []).filter((o) => o.Key?.endsWith("/manifest.json"));
    assert.equal(manifests.length, 2);
    const runs = runtime.store.list().filter((r) => r.flow.endsWith("hazard-pipeline"));
    const lastFailed = runs.find((r) => r.status === "FAILED");
    assert.equal(lastFailed?.failure?.state, "GroundMotion");
    assert.equal(lastFailed?.failure?.error, "InputError");
  } finally {
    await runtime.stop();
  }
});
