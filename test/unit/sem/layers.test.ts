import assert from "node:assert/strict";
import { test } from "node:test";
import { parseScenario } from "../../../core/sem/scenario.ts";
import { prepareSimulation, simulate } from "../../../core/sem/simulation.ts";

const UPPER = { vp: 3000, vs: 1732, rho: 2500 };
const LOWER = { vp: 5000, vs: 2887, rho: 2800 };

function scenario(layers: unknown[]) {
  return parseScenario(
    {
      name: "interface",
      domain: { xmin: 0, xmax: 2400, zmin: -3600 },
      layers,
      mesh: { element_size_m: 50, ngll: 5 },
      source: {
        type: "force",
        x: 1200,
        z: -1000,
        amplitude: 1e10,
        stf: { type: "ricker", f0_hz: 5, t0_s: 0.24 },
      },
      receivers: [
        { name: "receiver", x: 1200, z: -2000 },
        { name: "image", x: 1200, z: -3200 },
      ],
      time: { duration_s: 1.15, dt_s: 0.001 },
    },
    "interface.json",
  );
}

// A vertical force 1.6 km above a flat interface (−2600 m) to a faster, denser layer; a receiver
// on the axis between them. Layered run minus homogeneous run = the wave reflected by the
// interface. Reference: the normal-incidence approximation, R × the homogeneous motion at the
// receiver's mirror image below the interface (same path length, same 2D spreading),
// R = (Z1 − Z2)/(Z1 + Z2) = −0.302 for vertical displacement. The window ends at 1.15 s, before
// the free-surface and edge reflections arrive. What is asserted, with what was measured:
// arrival time of the reflection (interface depth and velocity): within 5 ms (2 ms);
// waveform correlation incl. polarity: > 0.95 (0.985); peak ratio: within 20 % (0.92 — the
// cylindrical wave also holds oblique components, whose reflection coefficient differs).
test("a layer interface reflects at the right time, polarity and strength", async () => {
  const layered = prepareSimulation(scenario([{ ...UPPER, bottom_z: -2600 }, LOWER]), null);
  const homogeneous = prepareSimulation(scenario([UPPER]), null);
  await simulate(layered);
  await simulate(homogeneous);
  const impedance = (layer: typeof UPPER) => layer.rho * layer.vp;
  const reflection = (impedance(UPPER) - impedance(LOWER)) / (impedance(UPPER) + impedance(LOWER));
  let reflectedPeak = { value: 0, time: 0 };
  let expectedPeak = { value: 0, time: 0 };
  let product = 0;
  let reflectedEnergy = 0;
  let expectedEnergy = 0;
  for (let k = 0; k < layered.nsteps; k++) {
    const reflected = layered.data.records[k * 12 + 1] - homogeneous.data.records[k * 12 + 1];
    const expected = reflection * homogeneous.data.records[k * 12 + 7];
    if (Math.abs(reflected) > reflectedPeak.value)
      reflectedPeak = { value: Math.abs(reflected), time: k * layered.dt };
    if (Math.abs(expected) > expectedPeak.value)
      expectedPeak = { value: Math.abs(expected), time: k * layered.dt };
    product += reflected * expected;
    reflectedEnergy += reflected * reflected;
    expectedEnergy += expected * expected;
  }
  assert.ok(
    Math.abs(reflectedPeak.time - expectedPeak.time) < 0.005,
    `reflection at ${reflectedPeak.time} s, expected ${expectedPeak.time} s`,
  );
  const correlation = product / Math.sqrt(reflectedEnergy * expectedEnergy);
  assert.ok(correlation > 0.95, `correlation ${correlation}`);
  const ratio = reflectedPeak.value / expectedPeak.value;
  assert.ok(Math.abs(ratio - 1) < 0.2, `peak ratio ${ratio}`);
});
