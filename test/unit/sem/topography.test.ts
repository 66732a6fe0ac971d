import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { writeCog } from "../../../core/raster/index.ts";
import { parseScenario } from "../../../core/sem/scenario.ts";
import { runSem } from "../../../core/sem/step.ts";
import { demProfile, resolveSurface } from "../../../core/sem/topography.ts";

const work = mkdtempSync(join(tmpdir(), "quakeslide-sem-dem-"));

/** A 60 × 40 UTM DEM, 10 m cells, of the plane z = 500 + 0.05 (x − x0) − 0.02 (y0 − y). */
async function planeDem(name: string, geographic = false): Promise<string> {
  const width = 60;
  const height = 40;
  const band = new Float32Array(width * height);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++)
      band[row * width + col] = 500 + 0.05 * (col + 0.5) * 10 - 0.02 * (row + 0.5) * 10;
  }
  const path = join(work, name);
  const crs = geographic ? { epsg: 4326, geographic: true } : { epsg: 32717, geographic: false };
  const cell = geographic ? 0.0001 : 10;
  await writeCog(path, {
    width,
    height,
    transform: [700000, cell, 0, 9800000, 0, -cell],
    crs,
    bands: [band],
  });
  return path;
}

// Bilinear interpolation reproduces a plane exactly, so a DEM of a plane must give a profile on
// that plane to Float32 storage precision (values ~500 m, 2^-24 relative → 3e-5 m; bound 1e-3 m).
test("a DEM profile follows the DEM: the cut through a planar DEM lies on the plane", async () => {
  const dem = await planeDem("plane.tif");
  const from: [number, number] = [700050, 9799950];
  const to: [number, number] = [700450, 9799650];
  const profile = await demProfile(dem, from, to, 0, 500);
  assert.ok(profile.x.length > 50, "sampled every half cell");
  for (let k = 0; k < profile.x.length; k++) {
    const x = from[0] + ((to[0] - from[0]) * profile.x[k]) / 500;
    const y = from[1] + ((to[1] - from[1]) * profile.x[k]) / 500;
    const expected = 500 + 0.05 * (x - 700000) - 0.02 * (9800000 - y);
    assert.ok(
      Math.abs(profile.z[k] - expected) < 1e-3,
      `at ${profile.x[k]} m: ${profile.z[k]} vs ${expected}`,
    );
  }
});

test("a scenario's DEM path is read relative to the scenario file", async () => {
  await planeDem("relative.tif");
  const scenario = parseScenario(
    {
      name: "dem",
      domain: { xmin: 0, xmax: 400, zmin: -300 },
      topography: { dem: "relative.tif", from: [700050, 9799800], to: [700550, 9799800] },
      layers: [{ vp: 2000, vs: 1000, rho: 2000 }],
      mesh: { element_size_m: 50 },
      source: { type: "force", x: 200, z: -200, amplitude: 1, stf: { type: "ricker", f0_hz: 2, t0_s: 0.6 } },
      time: { duration_s: 0.1 },
    },
    "dem.json",
  );
  const surface = await resolveSurface(scenario, join(work, "dem.json"));
  assert.ok(Math.abs(surface.z[0] - (500 + 0.05 * 50 - 0.02 * 200)) < 1e-3);
});

test("DEM profiles refuse geographic DEMs and lines that leave the DEM, naming the file", async () => {
  const geographic = await planeDem("geographic.tif", true);
  await assert.rejects(
    demProfile(geographic, [0, 0], [1, 1], 0, 1),
    (error: Error) => error.message.includes(geographic) && /projected CRS/.test(error.message),
  );
  const dem = await planeDem("small.tif");
  await assert.rejects(
    demProfile(dem, [700050, 9799950], [701500, 9799950], 0, 1400),
    (error: Error) => error.message.includes(dem) && /leaves the DEM/.test(error.message),
  );
  writeFileSync(join(work, "not-a-tiff.tif"), "nope");
  await assert.rejects(demProfile(join(work, "not-a-tiff.tif"), [0, 0], [1, 1], 0, 1), /not-a-tiff\.tif/);
});

// End to end through the step the CLI and the Batch container call: the surface receivers sit on
// the DEM (bilinear in the DEM, then linear between element corners every 50 m: on a plane both
// are exact, so 1e-3 m as above).
test("runSem on a DEM profile puts the surface receivers on the DEM", async () => {
  await planeDem("step.tif");
  const model = join(work, "step.json");
  writeFileSync(
    model,
    JSON.stringify({
      name: "dem-step",
      domain: { xmin: 0, xmax: 400, zmin: 0 },
      topography: { dem: "step.tif", from: [700050, 9799800], to: [700450, 9799800] },
      layers: [{ vp: 2000, vs: 1000, rho: 2000 }],
      mesh: { element_size_m: 50 },
      source: { type: "force", x: 200, z: 200, amplitude: 1e8, stf: { type: "ricker", f0_hz: 4, t0_s: 0.3 } },
      surface_receivers: { spacing_m: 100 },
      time: { duration_s: 0.05 },
    }),
  );
  const outDir = mkdtempSync(join(work, "out-"));
  const summary = await runSem({ model, outDir });
  assert.deepEqual(summary.outputs, ["seismograms.csv", "peaks.json", "surface_pga.png"]);
  const peaks = JSON.parse(readFileSync(join(outDir, "peaks.json"), "utf8"));
  assert.equal(peaks.receivers.length, 5);
  for (const receiver of peaks.receivers) {
    const expected = 500 + 0.05 * (50 + receiver.x_m) - 0.02 * 200;
    assert.ok(Math.abs(receiver.z_m - expected) < 1e-3, `${receiver.name}: ${receiver.z_m} vs ${expected}`);
  }
});
