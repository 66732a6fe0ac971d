import assert from "node:assert/strict";
import { test } from "node:test";
import { addElasticForces, kernelScratch } from "../../../core/sem/kernel.ts";
import { parseScenario } from "../../../core/sem/scenario.ts";
import { type PreparedSimulation, prepareSimulation, simulate } from "../../../core/sem/simulation.ts";
import { elementArrays } from "../../../core/sem/solver-data.ts";
import { singleThread } from "../../../core/sem/step-sync.ts";
import { runSteps } from "../../../core/sem/stepper.ts";
import { smallScenario } from "./small-scenario.ts";

const HILL = { x: [0, 300, 500, 700, 1000], z: [0, 0, 80, 0, 10] };

/** Kinetic ½ vᵀMv plus strain energy ½ uᵀKu (K u from the Float64 reference element kernel). */
function totalEnergy({ data: d, mesh }: PreparedSimulation): number {
  const fx = new Float64Array(d.nglob);
  const fz = new Float64Array(d.nglob);
  addElasticForces(elementArrays(mesh), 0, d.nxElem, d.ux, d.uz, fx, fz, kernelScratch(d.ngll));
  let energy = 0;
  for (let p = 0; p < d.nglob; p++) {
    energy += 0.5 * (d.vx[p] ** 2 / d.invMassX[p] + d.vz[p] ** 2 / d.invMassZ[p]);
    energy -= 0.5 * (d.ux[p] * fx[p] + d.uz[p] * fz[p]);
  }
  return energy;
}

function energyHistory(absorbing: boolean): { time: number; energy: number }[] {
  const prepared = prepareSimulation(smallScenario({ absorbing, time: { duration_s: 2.5 } }), HILL);
  const history: { time: number; energy: number }[] = [];
  for (let step = 0; step < prepared.nsteps; step += 50) {
    const to = Math.min(step + 50, prepared.nsteps);
    runSteps(prepared.data, singleThread(), { from: step, to });
    history.push({ time: to * prepared.dt, energy: totalEnergy(prepared) });
  }
  return history;
}

// With reflecting edges (free everywhere) nothing dissipates: once the source has stopped
// (Ricker t0 0.3 s, f0 4 Hz: negligible after 0.6 s), the energy of the layered hill model must
// stay constant. The central-difference scheme conserves a staggered-in-time energy; the
// collocated u, v energy measured here wobbles around it by O((ω dt)²) — 7.7e-5 measured over
// 2.5 s. The bound 1e-4 would catch any real gain or loss (a stray boundary term or a wrong mass
// loses percents here).
test("energy is conserved with reflecting boundaries after the source stops", () => {
  const after = energyHistory(false).filter((h) => h.time > 0.6);
  const mean = after.reduce((sum, h) => sum + h.energy, 0) / after.length;
  assert.ok(mean > 0);
  for (const h of after)
    assert.ok(Math.abs(h.energy - mean) / mean < 1e-4, `t = ${h.time.toFixed(3)} s: ${h.energy} vs ${mean}`);
});

// Same model with Stacey edges: the energy must fall monotonically (to round-off) once the source
// is off, and most of it must leave by 2.5 s (measured: 2 % of the energy present at 0.65 s
// remains, slow surface and grazing waves that Stacey absorbs poorly; bound 10 %).
test("Stacey boundaries only remove energy, and remove most of it", () => {
  const history = energyHistory(true).filter((h) => h.time > 0.6);
  for (let k = 1; k < history.length; k++)
    assert.ok(history[k].energy <= history[k - 1].energy * (1 + 1e-9), `energy rose at ${history[k].time} s`);
  assert.ok(history[history.length - 1].energy < 0.1 * history[0].energy);
});

function boxScenario(xmin: number, xmax: number, zmin: number, angle: number) {
  return parseScenario(
    {
      name: "absorbing",
      domain: { xmin, xmax, zmin },
      layers: [{ vp: 2000, vs: 1000, rho: 2000 }],
      mesh: { element_size_m: 100, ngll: 5 },
      source: {
        type: "force",
        x: 1000,
        z: -1000,
        angle_deg: angle,
        amplitude: 1e10,
        stf: { type: "ricker", f0_hz: 3, t0_s: 0.4 },
      },
      receivers: [
        { name: "left", x: 400, z: -1000 },
        { name: "below", x: 1000, z: -1600 },
        { name: "corner", x: 500, z: -1500 },
      ],
      time: { duration_s: 1.6, dt_s: 0.004 },
    },
    "absorbing.json",
  );
}

// The reflection is what the 2 km × 2 km box records minus what a box 1.6 km larger on every
// absorbing side records (its own edge reflections cannot reach the receivers within 1.6 s: the
// shortest path source → edge → receiver is 4.6 km at 2 km/s after the 0.4 s source delay); it
// is compared to the peak of the incident motion, both components. Horizontal force (P towards
// the left edge, S towards the bottom) and vertical force. Measured: at most 3.5 %.
for (const angle of [90, 0]) {
  test(`Stacey boundaries reflect < 5 % of the incident amplitude (force at ${angle}°)`, async () => {
    const small = prepareSimulation(boxScenario(0, 2000, -2000, angle), null);
    const large = prepareSimulation(boxScenario(-1600, 3600, -3600, angle), null);
    await simulate(small);
    await simulate(large);
    for (const [r, receiver] of small.receivers.entries()) {
      let incident = 0;
      let reflected = 0;
      for (let k = 0; k < small.nsteps; k++) {
        for (const component of [0, 1]) {
          const reference = large.data.records[(k * 3 + r) * 6 + component];
          incident = Math.max(incident, Math.abs(reference));
          reflected = Math.max(
            reflected,
            Math.abs(small.data.records[(k * 3 + r) * 6 + component] - reference),
          );
        }
      }
      assert.ok(incident > 0);
      assert.ok(
        reflected / incident < 0.05,
        `${receiver.name}: reflection ${((100 * reflected) / incident).toFixed(2)} %`,
      );
    }
  });
}
