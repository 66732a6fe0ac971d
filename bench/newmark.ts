// D_N for every cell of a 1.44 Mpx a_c raster from one 3,000-sample record: the a_c-table scheme
// of newmark-map against a straightforward per-cell loop of the exact rigid-block integration,
// measured in the same run (the loop on a sample of cells, extrapolated). Target: table < 1 s.
import { existsSync } from "node:fs";
import { newmarkRigidBlock } from "../core/stability/newmark.ts";
import { recordDisplacementMap } from "../core/stability/newmark-map.ts";
import { readAccelerationRecord } from "../core/stability/records.ts";

const SIDE = 1200;
const NPTS = 3000;

function loadRecord(): { name: string; dtS: number; accelerationG: Float64Array } {
  // Duzce 1999 375-090 (SLAMMER set, dt 0.01 s, 3077 samples), cut to 3,000 samples.
  const path = new URL("../test/fixtures/stability/slammer/375-090", import.meta.url).pathname;
  if (!existsSync(path)) throw new Error(`bench newmark: missing record fixture ${path}`);
  const record = readAccelerationRecord(path, { dtS: 0.01 });
  return {
    name: "375-090 (Duzce 1999)",
    dtS: record.dtS,
    accelerationG: record.accelerationG.slice(0, NPTS),
  };
}

/** A smooth a_c field 0..0.6 g with noise, as a stability map would give (every value distinct). */
function acRaster(): Float32Array {
  const ac = new Float32Array(SIDE * SIDE);
  let seed = 42;
  for (let i = 0; i < ac.length; i++) {
    seed = (seed * 16807) % 2147483647;
    const x = (i % SIDE) / SIDE;
    const y = Math.floor(i / SIDE) / SIDE;
    ac[i] = Math.max(0, 0.3 + 0.25 * Math.sin(6 * x) * Math.cos(5 * y) + 0.05 * (seed / 2147483647 - 0.5));
  }
  return ac;
}

export async function run(args: string[]): Promise<void> {
  const record = loadRecord();
  const ac = acRaster();
  const sampleCells = Number(args[0] ?? 20000);
  console.log(
    `record ${record.name}: ${record.accelerationG.length} samples; a_c raster ${SIDE} x ${SIDE} = ${ac.length} cells`,
  );
  console.log("(the machine may be shared: timings are noisy; the ratio is measured in one run)");

  for (const polarity of ["normal", "mean"] as const) {
    const start = performance.now();
    const { displacementCm, table } = recordDisplacementMap(ac, record.accelerationG, record.dtS, polarity);
    const tableSeconds = (performance.now() - start) / 1000;
    console.log(
      `table scheme (${polarity}): ${tableSeconds.toFixed(3)} s for ${ac.length} cells; ${table.acG.length} nodes, ${table.evaluations} exact evaluations`,
    );
    if (polarity !== "normal") continue;

    // Straightforward loop: one exact integration per cell, on evenly spaced cells, extrapolated.
    const stride = Math.floor(ac.length / sampleCells);
    let worst = 0;
    const loopStart = performance.now();
    for (let k = 0; k < sampleCells; k++) {
      const i = k * stride;
      const exact = newmarkRigidBlock(record.accelerationG, record.dtS, ac[i]);
      if (exact > 1e-3) worst = Math.max(worst, Math.abs(displacementCm[i] - exact) / exact);
    }
    const loopSeconds = (performance.now() - loopStart) / 1000;
    const rate = sampleCells / loopSeconds;
    const loopFull = ac.length / rate;
    console.log(
      `per-cell loop: ${rate.toFixed(0)} records x a_c values per second (exact scheme) → ${loopFull.toFixed(1)} s for every cell (extrapolated from ${sampleCells})`,
    );
    console.log(
      `table vs loop: ${(loopFull / tableSeconds).toFixed(0)}x faster; worst relative difference ${worst.toExponential(2)} (D_N > 0.001 cm)`,
    );
    console.log(`target < 1 s for 1.44 Mpx: ${tableSeconds < 1 ? "met" : "NOT met"}`);
  }
}
