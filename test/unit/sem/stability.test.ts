import assert from "node:assert/strict";
import { test } from "node:test";
import { parseScenario } from "../../../core/sem/scenario.ts";
import { COURANT_LIMIT, prepareSimulation, simulate } from "../../../core/sem/simulation.ts";

/** A closed box (no absorbing edges, so nothing damps a growing mode) run at a given Courant number. */
function boxAtCourant(courant: number, ngll: number) {
  const base = {
    name: "box",
    domain: { xmin: 0, xmax: 400, zmin: -400 },
    layers: [{ vp: 3000, vs: 1000, rho: 2000 }],
    mesh: { element_size_m: 50, ngll },
    source: {
      type: "force",
      x: 210,
      z: -190,
      amplitude: 1e10,
      stf: { type: "ricker", f0_hz: 10, t0_s: 0.12 },
    },
    receivers: [{ name: "a", x: 100, z: "surface" }],
    time: { duration_s: 1 },
    absorbing: false,
  };
  const probe = prepareSimulation(parseScenario(base, "box.json"), null);
  const dt = (courant * probe.dt) / probe.courant;
  return prepareSimulation(
    parseScenario({ ...base, time: { duration_s: 3000 * dt, dt_s: dt } }, "box.json"),
    null,
    "box.json",
    { checkStability: false },
  );
}

// The refusal threshold must be a real limit: runs just inside it stay bounded over 3,000 steps
// (a divergent mode grows geometrically and overflows well within that), and runs 15 % above it
// blow up, so the threshold is neither unsafe nor needlessly conservative.
for (const ngll of [4, 5, 6]) {
  test(`NGLL ${ngll}: stable at the Courant limit ${COURANT_LIMIT}, divergent 15 % above it`, async () => {
    await simulate(boxAtCourant(COURANT_LIMIT, ngll));
    await assert.rejects(simulate(boxAtCourant(COURANT_LIMIT * 1.15, ngll)), /diverged/);
  });
}

test("the default time step is cfl × the Courant-1 step and the limit is stated", () => {
  const prepared = boxAtCourant(0.3, 5);
  assert.ok(Math.abs(prepared.courant - 0.3) < 1e-12);
  assert.ok(Math.abs(prepared.dtLimit - (COURANT_LIMIT / 0.3) * prepared.dt) < 1e-15);
});

// Resolution check as SPECFEM2D reports it: vs / (2.5 f0) over the mean GLL spacing. 50 m
// elements (12.5 m spacing) at f0 = 10 Hz and vs = 1000 m/s give 40 m / 12.5 m = 3.2 points.
test("under-resolved meshes are warned about with the points-per-wavelength figure", () => {
  const coarse = boxAtCourant(0.3, 5);
  assert.ok(Math.abs(coarse.pointsPerWavelength - 1000 / 25 / 12.5) < 1e-9);
  assert.match(coarse.warnings[0], /only 3\.20 GLL points per shortest S wavelength at 25 Hz/);
});
