// Shared by the Lamb tests and the benchmark: the exact Lamb solution and the misfit measure.
import { readFileSync } from "node:fs";
import type { PreparedSimulation } from "../../../core/sem/simulation.ts";

export const LAMB_FIXTURES = new URL("../../fixtures/sem/lamb_halfspace/", import.meta.url);

export interface ExactLamb {
  dt: number;
  header: string[];
  rows: number[][];
  cleanWindowEnd: Record<string, number>;
}

export function readExactLamb(
  fileName = "exact_displacement_decimated.csv",
  folder: URL = LAMB_FIXTURES,
): ExactLamb {
  const lines = readFileSync(new URL(fileName, folder), "utf8").trim().split("\n");
  const rows = lines.slice(1).map((line) => line.split(",").map(Number));
  const cleanWindowEnd = JSON.parse(
    readFileSync(new URL("clean_windows.json", folder), "utf8"),
  ).clean_window_end_s;
  return { dt: rows[1][0] - rows[0][0], header: lines[0].split(","), rows, cleanWindowEnd };
}

/**
 * Normalised L2 misfit ‖sim − exact‖ / ‖exact‖ of each displacement trace within its clean window.
 * S0002 sits above the source, where the exact horizontal motion is zero (1e-18 m): that trace is
 * normalised by the receiver's vertical norm instead.
 */
export function lambMisfits(
  prepared: PreparedSimulation,
  exact: ExactLamb,
  windowEnd = Number.POSITIVE_INFINITY,
): Record<string, number> {
  const stride = Math.round(exact.dt / prepared.dt);
  if (Math.abs(stride * prepared.dt - exact.dt) > 1e-9)
    throw new Error(`exact dt ${exact.dt} is not a multiple of ${prepared.dt}`);
  const nReceivers = prepared.receivers.length;
  const misfits: Record<string, number> = {};
  prepared.receivers.forEach((receiver, r) => {
    const end = Math.min(exact.cleanWindowEnd[receiver.name], windowEnd);
    const sums = [0, 0].map(() => ({ error: 0, norm: 0 }));
    for (const component of [0, 1]) {
      const column = exact.header.indexOf(`${receiver.name}_${component === 0 ? "x" : "z"}`);
      for (let row = 0; row < exact.rows.length && exact.rows[row][0] <= end; row++) {
        const step = row * stride;
        if (step >= prepared.nsteps) break;
        const simulated = prepared.data.records[(step * nReceivers + r) * 6 + component];
        sums[component].error += (simulated - exact.rows[row][column]) ** 2;
        sums[component].norm += exact.rows[row][column] ** 2;
      }
    }
    const zNorm = sums[1].norm;
    const xNorm = sums[0].norm < 1e-6 * zNorm ? zNorm : sums[0].norm;
    misfits[`${receiver.name}_x`] = Math.sqrt(sums[0].error / xNorm);
    misfits[`${receiver.name}_z`] = Math.sqrt(sums[1].error / zNorm);
  });
  return misfits;
}
