import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeArrays, encodeArrays } from "../../../core/campaign/arrays-file.ts";
import { decodeProfileFile, encodeProfileFile } from "../../../core/campaign/profile-file.ts";
import { type AreaRasters, profileBand, profileLines } from "../../../core/campaign/profiles.ts";
import { buildSemScenario, type SemSettings } from "../../../core/campaign/sem-model.ts";
import { parseCampaignSpec } from "../../../core/campaign/spec.ts";
import type { Grid } from "../../../core/raster/types.ts";

// A 40 × 30 grid of 10 m cells, origin (500000, 9800300), north up.
const grid: Grid = {
  width: 40,
  height: 30,
  transform: [500_000, 10, 0, 9_800_300, 0, -10],
  crs: { epsg: 32717, geographic: false },
};
const spec = (profiles: unknown) =>
  parseCampaignSpec(
    {
      name: "t",
      area: { dem: "dem.tif", ac: "ac.tif" },
      profiles,
      velocity_model: { layers: [{ vp: 2000, vs: 1000, rho: 2000 }] },
      mesh: { element_size_m: 50 },
      coupling: { max_distance_m: 25 },
      scenarios: { list: [{ mw: 4, distance_m: 100, depth_m: 500 }] },
    },
    "spec.json",
  );

test("parallel profiles: the azimuth's direction, the spacing between them, spanning the cell centres", () => {
  const lines = profileLines(
    spec({ parallel: { count: 3, spacing_m: 60, azimuth_deg: 90 } }),
    grid,
    "dem.tif",
  );
  assert.deepEqual(
    lines.map((l) => l.name),
    ["p0", "p1", "p2"],
  );
  // East-bound lines across the cell-centre rectangle x 500005..500395, y 9800005..9800295,
  // through the middle y = 9800150, numbered left (north) to right looking east.
  assert.deepEqual(
    lines.map((l) => [l.from, l.to, l.length_m]),
    [
      [[500_005, 9_800_210], [500_395, 9_800_210], 390],
      [[500_005, 9_800_150], [500_395, 9_800_150], 390],
      [[500_005, 9_800_090], [500_395, 9_800_090], 390],
    ],
  );
  const diagonal = profileLines(
    spec({ parallel: { count: 1, spacing_m: 10, azimuth_deg: 45 } }),
    grid,
    "dem.tif",
  )[0];
  const [dx, dy] = [diagonal.to[0] - diagonal.from[0], diagonal.to[1] - diagonal.from[1]];
  assert.ok(Math.abs(dx - dy) < 1e-9 && dx > 0, "north-east bound");
  assert.throws(
    () => profileLines(spec({ parallel: { count: 9, spacing_m: 100, azimuth_deg: 90 } }), grid, "dem.tif"),
    /dem\.tif: parallel profile p0 .* misses the DEM/,
  );
});

test("a profile's band: cells within the distance, their position along it and distance to the segment", () => {
  const cells = grid.width * grid.height;
  const area: AreaRasters = {
    grid,
    ac: new Float32Array(cells).fill(0.1),
    slopeDeg: new Float32Array(cells).fill(20),
    aspectDeg: new Float32Array(cells).fill(90),
  };
  area.ac[5 * 40 + 10] = Number.NaN; // a nodata cell next to the line is left out
  // Along the centres of row 5 (y = 9800245), from column 10 to column 30.
  const line = {
    name: "a",
    from: [500_105, 9_800_245] as [number, number],
    to: [500_305, 9_800_245] as [number, number],
    length_m: 200,
  };
  const band = profileBand(area, line, 15);
  // Rows 4, 5, 6 (distances 10, 0, 10) of columns 10..30, plus the cells within 15 m of the
  // ends: columns 9 and 31 of the same rows (10 m and 14.1 m away); minus the nodata cell.
  assert.equal(band.cell.length, 3 * 21 + 2 * 3 - 1);
  const at = (col: number, row: number) => Array.from(band.cell).indexOf(row * 40 + col);
  assert.equal(at(10, 5), -1);
  const k = at(20, 6);
  assert.deepEqual([band.along[k], band.distance[k]], [100, 10]);
  const end = at(31, 5);
  assert.deepEqual(
    [band.along[end], band.distance[end]],
    [200, 10],
    "beyond the end: clamped, distance to the end",
  );
  assert.ok(Math.abs(band.cx[k] - Math.cos((20 * Math.PI) / 180)) < 1e-7);
  // The profile file carries the band and the surface unchanged.
  const file = { ...line, surface: { x: [0, 100, 200], z: [10, 20, 15] }, band };
  const decoded = decodeProfileFile(encodeProfileFile(file), "a.bin");
  assert.deepEqual(decoded.surface, file.surface);
  assert.deepEqual(decoded.band.distance, band.distance);
  assert.deepEqual(decoded.band.cell, band.cell);
});

test("arrays files: round trip from an offset inside a larger buffer; truncated or foreign bytes are refused", () => {
  const bytes = encodeArrays({ note: "x" }, { a: Float32Array.of(1.5, -2), b: Uint32Array.of(7, 8) });
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  const decoded = decodeArrays<{ note: string }>(shifted.subarray(3), "f.bin");
  assert.deepEqual(decoded.meta, { note: "x" });
  assert.deepEqual(Array.from(decoded.arrays.a), [1.5, -2]);
  assert.deepEqual(Array.from(decoded.arrays.b), [7, 8]);
  assert.throws(() => decodeArrays(bytes.subarray(0, bytes.length - 2), "f.bin"), /f\.bin: truncated/);
  assert.throws(
    () => decodeArrays(new TextEncoder().encode("GIF89a........"), "f.bin"),
    /not a Quakeslide arrays file/,
  );
});

const settings: SemSettings = {
  layers: [
    { bottom_z: -100, vp: 1600, vs: 800, rho: 1900 },
    { vp: 2400, vs: 1300, rho: 2200 },
  ],
  element_size_m: 50,
  ngll: 5,
  padding_m: 150,
  f0_hz: 4,
  cfl: 0.5,
  receiver_spacing_m: 20,
};
const scenario = {
  id: "s",
  mw: 4,
  distance_m: 300,
  depth_m: 600,
  length_m: 400,
  rupture_duration_s: 0.5,
  dip_deg: 30,
};
const surface = { x: [0, 200, 390], z: [120, 180, 140] };

test("SEM model of a scenario on a profile: epicentre before the profile, rupture up-dip towards it, receivers along it", () => {
  const { scenario: model, profileStartX } = buildSemScenario(settings, scenario, surface, "job-1");
  const [h, v] = [200 * Math.cos(Math.PI / 6), 200 * Math.sin(Math.PI / 6)];
  const epicentreX = 150 + h;
  assert.ok(Math.abs(profileStartX - (epicentreX + 300)) < 1e-9);
  assert.equal(model.source.type, "finite");
  if (model.source.type !== "finite") return;
  // Centre 600 m under the surface at the profile's source end (z 120), deep end away from it.
  assert.deepEqual(model.source.start, [
    Number((epicentreX - h).toFixed(3)),
    Number((120 - 600 - v).toFixed(3)),
  ]);
  assert.deepEqual(model.source.end, [
    Number((epicentreX + h).toFixed(3)),
    Number((120 - 600 + v).toFixed(3)),
  ]);
  assert.equal(model.source.rupture_velocity, 800);
  assert.equal(model.source.mw, 4);
  assert.deepEqual(
    model.topography && "x" in model.topography ? model.topography.x : [],
    surface.x.map((x) => Number((profileStartX + x).toFixed(3))),
  );
  assert.equal(model.receivers.length, 20, "every 20 m over 390 m");
  assert.equal(model.receivers[19].x, Number((profileStartX + 380).toFixed(3)));
  // Coordinates are rounded to the millimetre.
  assert.ok(model.domain.xmax >= profileStartX + 390 + 150 - 1e-3 && model.domain.xmin === 0);
  assert.ok(model.domain.zmin <= 120 - 600 - v - 150 + 1e-3, "padding under the rupture");
  // Long enough for S at the slowest speed from the rupture's start to the far receiver.
  const farthest = Math.hypot(profileStartX + 390 - (epicentreX - h), 140 - (120 - 600 - v));
  assert.ok(model.time.duration_s >= 0.3 + 0.5 + farthest / 800);
  assert.throws(
    () => buildSemScenario(settings, { ...scenario, depth_m: 100 }, surface, "job-1"),
    /scenario s: the rupture .* would reach within 50 m of the surface/,
  );
});
