import { closeSync, openSync, writeSync } from "node:fs";
import { intensityMeasures } from "../stability/intensity.ts";
import { G_CM_S2, newmarkBothPolarities } from "../stability/newmark.ts";
import type { PreparedSimulation } from "./simulation.ts";

export type Quantity = "displacement" | "velocity" | "acceleration";
const CHANNEL_OF: Record<Quantity, number> = { displacement: 0, velocity: 2, acceleration: 4 };
const G_M_S2 = G_CM_S2 / 100;

/** One recorded trace (component 0 = x, 1 = z) of one receiver as a new array. */
export function trace(
  prepared: PreparedSimulation,
  receiver: number,
  quantity: Quantity,
  component: 0 | 1,
): Float64Array {
  const { records } = prepared.data;
  const n = prepared.receivers.length;
  const out = new Float64Array(prepared.nsteps);
  const channel = CHANNEL_OF[quantity] + component;
  for (let k = 0; k < prepared.nsteps; k++) out[k] = records[(k * n + receiver) * 6 + channel];
  return out;
}

/**
 * seismograms.csv: `t` (s, t = k·dt from the start, the source time function's clock), then per
 * receiver and quantity `<name>_x`, `<name>_z` (m, m/s or m/s²; x to the right, z up), with a
 * `_<quantity>` suffix when several quantities are written. Written row block by row block.
 */
export function writeSeismogramsCsv(
  path: string,
  prepared: PreparedSimulation,
  quantities: Quantity[],
): void {
  const suffix = (q: Quantity) => (quantities.length > 1 ? `_${q}` : "");
  const header = ["t"];
  const channels: number[] = [];
  prepared.receivers.forEach((receiver, r) => {
    for (const q of quantities) {
      header.push(`${receiver.name}_x${suffix(q)}`, `${receiver.name}_z${suffix(q)}`);
      channels.push(r * 6 + CHANNEL_OF[q], r * 6 + CHANNEL_OF[q] + 1);
    }
  });
  const { records } = prepared.data;
  const rowLength = prepared.receivers.length * 6;
  const fd = openSync(path, "w");
  try {
    writeSync(fd, `${header.join(",")}\n`);
    let block: string[] = [];
    for (let k = 0; k < prepared.nsteps; k++) {
      const fields = [Number((k * prepared.dt).toPrecision(12)).toString()];
      for (const channel of channels) fields.push(records[k * rowLength + channel].toPrecision(7));
      block.push(fields.join(","));
      if (block.length === 500 || k === prepared.nsteps - 1) {
        writeSync(fd, `${block.join("\n")}\n`);
        block = [];
      }
    }
  } finally {
    closeSync(fd);
  }
}

export interface ComponentPeaks {
  pga_m_s2: number;
  pga_g: number;
  pgv_m_s: number;
  pgd_m: number;
  arias_m_s: number;
  d5_95_s: number;
}

export interface ReceiverPeaks {
  name: string;
  x_m: number;
  z_m: number;
  x: ComponentPeaks;
  z: ComponentPeaks;
  /** Rigid-block Newmark displacement under the horizontal (x) acceleration, per a_c. */
  newmark?: { ac_g: number; normal_cm: number; inverse_cm: number }[];
}

function peakAbs(values: Float64Array): number {
  let peak = 0;
  for (const value of values) peak = Math.max(peak, Math.abs(value));
  return peak;
}

/**
 * peaks.json content: PGA, PGV and PGD from the solver's own acceleration, velocity and
 * displacement; Arias intensity and D5-95 from core/stability's intensityMeasures (acceleration
 * in g); D_N from core/stability's rigid-block Newmark on the x acceleration, both polarities.
 */
export function receiverPeaks(prepared: PreparedSimulation, acList: number[]): ReceiverPeaks[] {
  return prepared.receivers.map((receiver, r) => {
    const component = (c: 0 | 1): ComponentPeaks => {
      const accelerationG = trace(prepared, r, "acceleration", c).map((a) => a / G_M_S2);
      const measures = intensityMeasures(accelerationG, prepared.dt);
      const pga = peakAbs(trace(prepared, r, "acceleration", c));
      return {
        pga_m_s2: pga,
        pga_g: pga / G_M_S2,
        pgv_m_s: peakAbs(trace(prepared, r, "velocity", c)),
        pgd_m: peakAbs(trace(prepared, r, "displacement", c)),
        arias_m_s: measures.ariasMS,
        d5_95_s: measures.d5_95S,
      };
    };
    const peaks: ReceiverPeaks = {
      name: receiver.name,
      x_m: receiver.x,
      z_m: receiver.z,
      x: component(0),
      z: component(1),
    };
    if (acList.length > 0) {
      const horizontalG = trace(prepared, r, "acceleration", 0).map((a) => a / G_M_S2);
      peaks.newmark = acList.map((ac) => {
        const { normalCm, inverseCm } = newmarkBothPolarities(horizontalG, prepared.dt, ac);
        return { ac_g: ac, normal_cm: normalCm, inverse_cm: inverseCm };
      });
    }
    return peaks;
  });
}
