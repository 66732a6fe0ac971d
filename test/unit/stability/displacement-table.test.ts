import assert from "node:assert/strict";
import { test } from "node:test";
import { polarityDisplacement, recordDisplacementMap } from "../../../core/stability/newmark-map.ts";
import { readAccelerationRecord } from "../../../core/stability/records.ts";
import type { Polarity } from "../../../core/stability/schema.ts";

const fixtures = new URL("../../fixtures/stability/slammer/", import.meta.url);
const RECORDS: [string, number][] = [
  ["PAC-175", 0.02],
  ["PET-090", 0.02],
  ["375-090", 0.01],
  ["G02-050", 0.005],
];

test("record map through the a_c table is within 0.1 % of the exact per-cell rigid-block D_N", () => {
  let seed = 12345;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const polarities: Polarity[] = ["mean", "normal", "inverse", "max"];
  RECORDS.forEach(([name, dtS], r) => {
    const { accelerationG } = readAccelerationRecord(new URL(name, fixtures).pathname, { dtS });
    const inverted = accelerationG.map((value) => -value);
    const pga = Math.max(...accelerationG.map(Math.abs));
    // Float32 a_c as a raster holds them: 0 exactly, NaN, random values up to 1.1 × PGA (so some
    // cells do not slide) and a cluster just below the peak where D_N vanishes.
    const cells = 1500;
    const ac = new Float32Array(cells);
    for (let i = 0; i < cells; i++) ac[i] = i < 300 ? pga * (1 - 0.02 * random()) : 1.1 * pga * random();
    ac[0] = 0;
    ac[1] = Number.NaN;
    const polarity = polarities[r];
    const { displacementCm } = recordDisplacementMap(ac, accelerationG, dtS, polarity);
    assert.ok(Number.isNaN(displacementCm[1]));
    for (let i = 0; i < cells; i++) {
      if (i === 1) continue;
      const exact = polarityDisplacement(accelerationG, inverted, dtS, ac[i], polarity);
      // 0.1 % of the exact value, plus 1e-6 cm (1e-8 m: the displacements that vanish at the peak)
      // plus the Float32 storage of the result (6e-8 relative).
      const allowed = 1e-3 * exact + 1e-6 + 6e-8 * exact;
      assert.ok(
        Math.abs(displacementCm[i] - exact) <= allowed,
        `${name} ${polarity} a_c=${ac[i]}: ${displacementCm[i]} vs exact ${exact}`,
      );
    }
  });
});
