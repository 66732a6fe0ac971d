import assert from "node:assert/strict";
import { test } from "node:test";
import { expandScenarios, gutenbergRichterBins, ruptureLengthM } from "../../../core/campaign/scenarios.ts";
import { type CampaignSpecInput, parseCampaignSpec } from "../../../core/campaign/spec.ts";

const base: CampaignSpecInput = {
  name: "t",
  area: { dem: "dem.tif", ac: "ac.tif" },
  profiles: { parallel: { count: 2, spacing_m: 100, azimuth_deg: 90 } },
  velocity_model: { layers: [{ vp: 2000, vs: 1000, rho: 2000 }] },
  mesh: { element_size_m: 50 },
  scenarios: { list: [{ mw: 4, distance_m: 100, depth_m: 500 }] },
};
const vs = () => 1000;
const expand = (scenarios: unknown) =>
  expandScenarios(parseCampaignSpec({ ...base, scenarios }, "spec.json"), vs);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

test("Wells & Coppersmith (1994) subsurface rupture length, all slip types: published line at Mw 6 and 7", () => {
  // log10(RLD km) = −2.44 + 0.59 M (Table 2A): 12.589 km at M 6, 48.978 km at M 7.
  assert.ok(Math.abs(ruptureLengthM(6) - 12_589.25) < 0.01);
  assert.ok(Math.abs(ruptureLengthM(7) - 48_977.88) < 0.01);
});

test("a grid expands to every combination, ids in nesting order, uniform weights summing to 1", () => {
  const scenarios = expand({
    grid: {
      mw: [5, 6],
      distance_m: [0, 1000, 2000],
      depth_m: [3000, 5000],
      length_factor: [1, 2],
      duration_factor: [1, 3],
    },
  });
  assert.equal(scenarios.length, 2 * 3 * 2 * 2 * 2);
  assert.equal(scenarios[0].id, "g000");
  assert.equal(scenarios.at(-1)?.id, "g047");
  assert.deepEqual(
    [
      scenarios[1].duration_factor,
      scenarios[2].length_factor,
      scenarios[4].depth_m,
      scenarios[8].distance_m,
      scenarios[24].mw,
    ],
    [3, 2, 5000, 1000, 6],
  );
  assert.ok(Math.abs(sum(scenarios.map((s) => s.weight)) - 1) < 1e-12);
  assert.ok(scenarios.every((s) => s.weight === scenarios[0].weight));
  // Length from the scaling law × the factor; duration = length / (0.8 vs) × the factor.
  const s = scenarios[3]; // Mw 5, length ×2, duration ×3
  assert.ok(Math.abs(s.length_m - 2 * ruptureLengthM(5)) < 1e-9);
  assert.ok(Math.abs(s.rupture_duration_s - ((2 * ruptureLengthM(5)) / 800) * 3) < 1e-9);
});

test("Gutenberg-Richter weights over a grid's Mw values: bin probabilities by hand, rates kept", () => {
  // Mw 5, 6, 7 → bins [4.5, 5.5], [5.5, 6.5], [6.5, 7.5]; b = 1: P ∝ 10^−(m − 4.5) differences.
  const expected = [1 - 10 ** -1, 10 ** -1 - 10 ** -2, 10 ** -2 - 10 ** -3].map((p) => p / (1 - 10 ** -3));
  const bins = gutenbergRichterBins([5, 6, 7], 1);
  for (const [i, p] of bins.entries()) assert.ok(Math.abs(p - expected[i]) < 1e-12, `${p} vs ${expected[i]}`);
  const scenarios = expand({
    grid: {
      mw: [7, 5, 6],
      distance_m: [0, 500],
      depth_m: [4000],
      weights: { gutenberg_richter: { b_value: 1, annual_rate: 0.2 } },
    },
  });
  assert.deepEqual(
    scenarios.map((s) => s.mw),
    [5, 5, 6, 6, 7, 7],
  );
  assert.ok(Math.abs(sum(scenarios.map((s) => s.weight)) - 1) < 1e-12);
  assert.ok(
    Math.abs(scenarios[2].weight - expected[1] / 2) < 1e-12,
    "a bin's probability is shared by its scenarios",
  );
  assert.ok(Math.abs(sum(scenarios.map((s) => s.annual_rate ?? 0)) - 0.2) < 1e-12);
});

test("a seeded Monte Carlo sample is reproducible, changes with the seed, and follows truncated G-R", () => {
  const mc = (seed: number, count = 20_000) =>
    expand({
      monte_carlo: {
        count,
        seed,
        mw: { min: 4, max: 7, b_value: 1 },
        distance_m: { min: 0, max: 5000 },
        depth_m: { min: 2000, max: 8000 },
        annual_rate: 0.5,
      },
    });
  const a = mc(7, 50);
  assert.deepEqual(a, mc(7, 50));
  assert.notDeepEqual(a, mc(8, 50));
  const sample = mc(1);
  assert.ok(Math.abs(sum(sample.map((s) => s.weight)) - 1) < 1e-9);
  assert.ok(Math.abs(sum(sample.map((s) => s.annual_rate ?? 0)) - 0.5) < 1e-9);
  assert.ok(sample.every((s) => s.mw >= 4 && s.mw <= 7 && s.distance_m <= 5000 && s.depth_m >= 2000));
  // Mean of the doubly-truncated exponential: m1 + 1/β − Δ e^(−βΔ) / (1 − e^(−βΔ)), β = b ln 10.
  const beta = Math.LN10;
  const span = 3;
  const expectedMean = 4 + 1 / beta - (span * Math.exp(-beta * span)) / (1 - Math.exp(-beta * span));
  const mean = sum(sample.map((s) => s.mw)) / sample.length;
  // σ ≈ 1/β = 0.43, so the standard error of 20,000 draws is 0.003: allow 4 of them.
  assert.ok(Math.abs(mean - expectedMean) < 0.012, `${mean} vs ${expectedMean}`);
  assert.ok(
    Math.abs(sum(sample.map((s) => s.distance_m)) / sample.length - 2500) < 4 * (5000 / Math.sqrt(12) / 141),
  );
});

test("a list keeps its ids and explicit source parameters; weights or rates normalise", () => {
  const scenarios = expand({
    list: [
      { id: "near", mw: 5, distance_m: 0, depth_m: 3000, length_m: 4000, rupture_duration_s: 2, weight: 3 },
      { mw: 6, distance_m: 2000, depth_m: 6000, dip_deg: 60 },
    ],
  });
  assert.deepEqual(
    scenarios.map((s) => [s.id, s.weight, s.length_m, s.rupture_duration_s, s.dip_deg]),
    [
      ["near", 0.75, 4000, 2, 45],
      ["s1", 0.25, ruptureLengthM(6), ruptureLengthM(6) / 800, 60],
    ],
  );
  assert.throws(
    () =>
      expand({
        list: [
          { mw: 5, distance_m: 0, depth_m: 3000, annual_rate: 0.1 },
          { mw: 6, distance_m: 0, depth_m: 3000 },
        ],
      }),
    /annual_rate for every scenario or for none/,
  );
});

test("spec errors name the file and the JSON path, on one line", () => {
  const bad = (spec: object) => () => parseCampaignSpec(spec, "campaigns/x.json");
  assert.throws(bad({ ...base, name: "has space" }), /campaigns\/x\.json: invalid campaign spec: name:/);
  assert.throws(bad({ ...base, area: { dem: "d.tif" } }), /give either area\.ac .* or area\.stability/);
  assert.throws(
    bad({
      ...base,
      velocity_model: {
        layers: [
          { vp: 2000, vs: 1000, rho: 2000 },
          { vp: 3000, vs: 1700, rho: 2500 },
        ],
      },
    }),
    /velocity_model\.layers\.0\.thickness_m: required/,
  );
  assert.throws(
    bad({ ...base, profiles: { lines: [{ name: "a", from: [0, 0], to: [1, 1] }] } }),
    /coupling\.max_distance_m: required with explicit profile lines/,
  );
  assert.throws(
    bad({ ...base, velocity_model: { layers: [{ vp: 1000, vs: 900, rho: 2000 }] } }),
    /below vp\/√2/,
  );
});
