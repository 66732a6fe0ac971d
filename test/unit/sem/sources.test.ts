import assert from "node:assert/strict";
import { test } from "node:test";
import { parseScenario } from "../../../core/sem/scenario.ts";
import { prepareSimulation, simulate } from "../../../core/sem/simulation.ts";
import { momentOfMagnitude, sourceTimeFunction } from "../../../core/sem/sources.ts";

const TIGHT = 1e-12; // closed-form values, exact to round-off

test("Ricker and Gaussian time functions follow the scenario's definitions", () => {
  const ricker = { type: "ricker", f0_hz: 10, t0_s: 0.12 } as const;
  assert.equal(sourceTimeFunction(ricker, 0.12), 1);
  // Zero crossings of (1 − 2π²f0²τ²) at τ = ±1/(π f0 √2).
  assert.ok(Math.abs(sourceTimeFunction(ricker, 0.12 + 1 / (Math.PI * 10 * Math.SQRT2))) < TIGHT);
  const tau = 0.03;
  const a = (Math.PI * 10 * tau) ** 2;
  assert.ok(Math.abs(sourceTimeFunction(ricker, 0.12 + tau) - (1 - 2 * a) * Math.exp(-a)) < TIGHT);
  assert.ok(Math.abs(sourceTimeFunction({ ...ricker, type: "gaussian" }, 0.12 + tau) - Math.exp(-a)) < TIGHT);
  assert.ok(Math.abs(momentOfMagnitude(6) / 10 ** 18.1 - 1) < TIGHT);
  // The smoothed step: ½ at t0, its rate f0√π·exp(−π²f0²τ²) (checked by a centred difference,
  // whose error O(h²) plus erf's 1.5e-7 approximation error over 2h stays below 1e-3 relative).
  const step = { ...ricker, type: "step" } as const;
  assert.ok(Math.abs(sourceTimeFunction(step, 0.12) - 0.5) < 1e-7);
  assert.ok(
    Math.abs(sourceTimeFunction(step, 0.5) - 1) < 1e-7 && Math.abs(sourceTimeFunction(step, -0.2)) < 1e-7,
  );
  const h = 1e-4;
  const rate =
    (sourceTimeFunction(step, 0.12 + tau + h) - sourceTimeFunction(step, 0.12 + tau - h)) / (2 * h);
  const expectedRate = 10 * Math.sqrt(Math.PI) * Math.exp(-a);
  assert.ok(Math.abs(rate / expectedRate - 1) < 1e-3, `${rate} vs ${expectedRate}`);
});

function fullSpace(
  source: Record<string, unknown>,
  receivers: { name: string; x: number; z: number }[],
  duration = 0.6,
) {
  return parseScenario(
    {
      name: "sources",
      domain: { xmin: 0, xmax: 2000, zmin: -2000 },
      layers: [{ vp: 3000, vs: 1732, rho: 2500 }],
      mesh: { element_size_m: 50, ngll: 5 },
      source: { stf: { type: "ricker", f0_hz: 5, t0_s: 0.24 }, ...source },
      receivers,
      time: { duration_s: duration, dt_s: 0.001 },
    },
    "sources.json",
  );
}

// An explosion (Mxx = Mzz, Mxz = 0) radiates P waves only: the motion at a receiver is radial.
// Window to 0.6 s, before reflections from the free surface (1 km above) arrive. The tangential
// part comes only from discretisation (measured 0.1 % of the radial peak); bound 2 %.
test("an explosive moment tensor radiates purely radial motion", async () => {
  const source = { type: "moment", x: 1000, z: -1000, mxx: 1e13, mzz: 1e13, mxz: 0 };
  const prepared = prepareSimulation(fullSpace(source, [{ name: "diagonal", x: 1300, z: -1400 }]), null);
  await simulate(prepared);
  const [rx, rz] = [300 / 500, -400 / 500];
  let radial = 0;
  let tangential = 0;
  for (let k = 0; k < prepared.nsteps; k++) {
    const ux = prepared.data.records[k * 6];
    const uz = prepared.data.records[k * 6 + 1];
    radial = Math.max(radial, Math.abs(ux * rx + uz * rz));
    tangential = Math.max(tangential, Math.abs(-ux * rz + uz * rx));
  }
  assert.ok(radial > 0);
  assert.ok(tangential / radial < 0.02, `tangential/radial = ${(tangential / radial).toExponential(2)}`);
});

// A finite rupture is a line of double couples switched on as the rupture passes: by linearity,
// a receiver's motion is the sum of those point sources' motions. Here the sum runs as one
// simulation; the check is that the receiver the rupture runs towards records a stronger peak
// than the one it runs away from (directivity: the pulses of the point sources arrive within
// 0.04 s ahead, spread over 0.5 s behind). Window 1 s: after the last point source's waves
// arrive, before the free surface reflection. Measured contrast 14×; asserted 3×.
test("finite sources show rupture directivity", async () => {
  const receivers = [
    { name: "ahead", x: 1700, z: -1000 },
    { name: "behind", x: 300, z: -1000 },
  ];
  const peaks = (start: number, end: number) => {
    const prepared = prepareSimulation(
      fullSpace(
        { type: "finite", start: [start, -1000], end: [end, -1000], rupture_velocity: 1500, mw: 4 },
        receivers,
        1.0,
      ),
      null,
    );
    return simulate(prepared).then(() => {
      const peak = [0, 0];
      for (let k = 0; k < prepared.nsteps; k++) {
        for (const r of [0, 1])
          peak[r] = Math.max(
            peak[r],
            Math.hypot(prepared.data.records[(k * 2 + r) * 6], prepared.data.records[(k * 2 + r) * 6 + 1]),
          );
      }
      return peak;
    });
  };
  const [ahead, behind] = await peaks(800, 1200);
  assert.ok(ahead > 3 * behind, `peak ahead ${ahead} vs behind ${behind}`);
});
