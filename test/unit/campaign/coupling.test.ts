import assert from "node:assert/strict";
import { test } from "node:test";
import { bandDisplacements, drivingAcceleration, nearestReceiver } from "../../../core/campaign/coupling.ts";
import { type ProfileBand, projectionCoefficients } from "../../../core/campaign/profiles.ts";
import { G_CM_S2 } from "../../../core/stability/newmark.ts";

const DEG = Math.PI / 180;
const EAST: [number, number] = [1, 0];

/** One-cell band on a profile whose single receiver carries the motion. */
function oneCellBand(acG: number, slopeDeg: number, aspectDeg: number): ProfileBand {
  const [cx, cz] = projectionCoefficients(slopeDeg, aspectDeg, EAST);
  return {
    cell: Uint32Array.of(0),
    along: Float32Array.of(0),
    distance: Float32Array.of(0),
    ac: Float32Array.of(acG),
    cx: Float32Array.of(cx),
    cz: Float32Array.of(cz),
  };
}

test("projection: a slope facing along the profile, facing back, facing across it, and a flat cell", () => {
  const [cx, cz] = projectionCoefficients(30, 90, EAST); // faces east, the profile runs east
  assert.ok(Math.abs(cx - Math.cos(30 * DEG)) < 1e-12 && Math.abs(cz - 0.5) < 1e-12);
  assert.ok(
    Math.abs(projectionCoefficients(30, 270, EAST)[0] + Math.cos(30 * DEG)) < 1e-12,
    "faces west: −cos α",
  );
  assert.ok(Math.abs(projectionCoefficients(30, 0, EAST)[0]) < 1e-12, "faces north: no along-profile part");
  assert.deepEqual(projectionCoefficients(0, Number.NaN, EAST), [1, 0], "flat (aspect nodata): d = u");
  // A profile running north-east and a slope facing north-east: all of the horizontal motion.
  const northEast: [number, number] = [Math.SQRT1_2, Math.SQRT1_2];
  assert.ok(Math.abs(projectionCoefficients(20, 45, northEast)[0] - Math.cos(20 * DEG)) < 1e-12);
});

test("on a 30° slope the driving term is minus the ground acceleration along the downslope unit vector, and zero along the normal", () => {
  const slope = 30 * DEG;
  const [cx, cz] = projectionCoefficients(30, 90, EAST);
  const out = new Float64Array(1);
  // Downslope unit vector in the profile plane (x east, z up): (cos α, −sin α); normal (sin α, cos α).
  const along = (k: number) =>
    drivingAcceleration([k * Math.cos(slope)], [-k * Math.sin(slope)], cx, cz, out)[0];
  const normal = (k: number) =>
    drivingAcceleration([k * Math.sin(slope)], [k * Math.cos(slope)], cx, cz, out)[0];
  for (const k of [0.3, -0.7]) {
    assert.ok(
      Math.abs(along(k) + k) < 1e-15,
      `ground accelerating ${k} g downslope drives the block ${-k} g`,
    );
    assert.ok(Math.abs(normal(k)) < 1e-15, "slope-normal motion does not drive the block");
  }
});

test("a rectangular upslope pulse on a tilted slope gives the closed-form rigid-block displacement", () => {
  // Ground accelerating upslope at A for T (in x and z, the slope-parallel direction of a 25°
  // slope facing east) drives the block downslope at A: D = A (A − a_c) g T² / (2 a_c).
  const [amplitude, duration, dt, ac] = [0.4, 0.25, 0.001, 0.1];
  const slope = 25 * DEG;
  const steps = 3000;
  const ax = new Float64Array(steps);
  const az = new Float64Array(steps);
  for (let k = 100; k < 100 + duration / dt; k++) {
    ax[k] = -amplitude * Math.cos(slope); // upslope = −(downslope unit vector)
    az[k] = amplitude * Math.sin(slope);
  }
  const dn = bandDisplacements(oneCellBand(ac, 25, 90), {
    along: Float64Array.of(0),
    ax: [ax],
    az: [az],
    dt,
  });
  const expected = (amplitude * (amplitude - ac) * G_CM_S2 * duration ** 2) / (2 * ac);
  // Same tolerance as core/stability's own pulse test: the trapezoid rule is exact on a
  // rectangle up to the half-step at the pulse's ends; Float32 output adds 6e-8.
  assert.ok(Math.abs(dn[0] - expected) <= 1e-4 * expected, `${dn[0]} vs ${expected}`);
  // The same pulse is downslope for a slope facing west: that block does not move.
  const west = bandDisplacements(oneCellBand(ac, 25, 270), {
    along: Float64Array.of(0),
    ax: [ax],
    az: [az],
    dt,
  });
  assert.equal(west[0], 0);
});

test("each cell takes the receiver nearest to it along the profile", () => {
  const along = Float64Array.of(0, 20, 40, 60);
  assert.deepEqual(
    [-5, 0, 9.9, 10, 10.1, 31, 59, 75].map((s) => nearestReceiver(along, s)),
    [0, 0, 0, 0, 1, 2, 3, 3],
  );
  // Two cells at 5 m and 55 m along a profile whose only strong motion is at the last receiver.
  const steps = 500;
  const quiet = new Float64Array(steps);
  const strong = new Float64Array(steps).fill(0);
  strong.fill(-0.5, 10, 60);
  const band: ProfileBand = {
    ...oneCellBand(0.1, 30, 90),
    cell: Uint32Array.of(0, 1),
    along: Float32Array.of(5, 55),
    distance: Float32Array.of(0, 0),
    ac: Float32Array.of(0.1, 0.1),
    cx: Float32Array.of(1, 1),
    cz: Float32Array.of(0, 0),
  };
  const dn = bandDisplacements(band, {
    along,
    ax: [quiet, quiet, quiet, strong],
    az: [quiet, quiet, quiet, quiet],
    dt: 0.005,
  });
  assert.equal(dn[0], 0);
  assert.ok(dn[1] > 1);
});
