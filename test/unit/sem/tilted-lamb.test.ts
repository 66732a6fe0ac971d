import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { readScenario } from "../../../core/sem/scenario.ts";
import { prepareSimulation, simulate } from "../../../core/sem/simulation.ts";
import { LAMB_FIXTURES, readExactLamb } from "./lamb-reference.ts";

const ALPHA = (10 * Math.PI) / 180;
const ALONG = [Math.cos(ALPHA), Math.sin(ALPHA)];
const NORMAL = [-Math.sin(ALPHA), Math.cos(ALPHA)];

/** Point at `offset` metres along the slope from (2000, 0) and `depth` metres below it, normal to the surface. */
function onSlope(offset: number, depth: number): [number, number] {
  return [2000 + offset * ALONG[0] - depth * NORMAL[0], offset * ALONG[1] - depth * NORMAL[1]];
}

// Lamb's problem on a surface tilted by 10°: the same half-space, source and receivers rotated
// about (2000, 0), so the exact solution is the flat one in the slope's frame. This tests the
// surface-following mesh (every element a skewed parallelogram, the general kernel path) against
// an exact solution. The axis-aligned domain contains the rotated flat domain, so every
// reflection from its edges travels farther than in the flat case and the flat clean windows
// still hold. 50 m elements, dt 0.8 ms: measured worst misfit 8.7e-3 (as on the flat 50 m mesh),
// bound 1e-2 as in the issue; at 20° the coarse mesh reaches 1.1e-2, hence 10°.
test("Lamb's problem on a 10° slope matches the rotated exact solution: misfit < 1e-2 on every trace", async () => {
  const scenario = readScenario(fileURLToPath(new URL("scenario.json", LAMB_FIXTURES)));
  const xmax = 2000 + 2000 * Math.cos(ALPHA) + 2000 * Math.sin(ALPHA) + 20;
  scenario.domain = { xmin: 0, xmax, zmin: -(2000 * Math.sin(ALPHA) + 2000 * Math.cos(ALPHA)) - 20 };
  const surface = { x: [0, xmax], z: [-2000 * Math.tan(ALPHA), (xmax - 2000) * Math.tan(ALPHA)] };
  const [sourceX, sourceZ] = onSlope(0, 500);
  scenario.source = { ...scenario.source, x: sourceX, z: sourceZ, angle_deg: -10 } as typeof scenario.source;
  scenario.receivers = scenario.receivers.map((receiver) => {
    const [x, z] = onSlope(receiver.x - 2000, receiver.z === "surface" ? 0 : -receiver.z);
    return { name: receiver.name, x, z };
  });
  scenario.mesh.element_size_m = 50;
  scenario.time.dt_s = 0.0008;
  scenario.time.duration_s = 1.18;
  const prepared = prepareSimulation(scenario, surface);
  await simulate(prepared);
  const exact = readExactLamb();
  assert.ok(Math.abs(exact.dt - prepared.dt) < 1e-9, "the exact solution is sampled at the time step");
  const n = prepared.receivers.length;
  for (const [r, receiver] of prepared.receivers.entries()) {
    const error = [0, 0];
    const norm = [0, 0];
    for (
      let row = 0;
      row < exact.rows.length && exact.rows[row][0] <= exact.cleanWindowEnd[receiver.name];
      row++
    ) {
      const ux = prepared.data.records[(row * n + r) * 6];
      const uz = prepared.data.records[(row * n + r) * 6 + 1];
      const simulated = [ux * ALONG[0] + uz * ALONG[1], ux * NORMAL[0] + uz * NORMAL[1]];
      for (const c of [0, 1]) {
        const reference = exact.rows[row][exact.header.indexOf(`${receiver.name}_${c === 0 ? "x" : "z"}`)];
        error[c] += (simulated[c] - reference) ** 2;
        norm[c] += reference ** 2;
      }
    }
    for (const c of [0, 1]) {
      // Above the source the exact along-slope motion is zero: normalise by the normal component.
      const misfit = Math.sqrt(error[c] / (norm[c] < 1e-6 * norm[1] ? norm[1] : norm[c]));
      assert.ok(
        misfit < 1e-2,
        `${receiver.name} ${c === 0 ? "along" : "normal"}: ${misfit.toExponential(2)}`,
      );
    }
  }
});
