import { writePreviewPng } from "../raster/index.ts";
import type { Grid } from "../raster/types.ts";
import { lagrangeAt } from "./gll.ts";
import type { Mesh } from "./mesh.ts";
import type { SolverData } from "./solver-data.ts";

/**
 * A wavefield snapshot: the velocity magnitude |v| (m/s) on a regular grid of the profile
 * (x across, elevation z down the rows), one pixel per mean GLL spacing, interpolated with the
 * element's Lagrange polynomials; pixels above the free surface are NaN (transparent).
 */
export function velocityMagnitudeGrid(mesh: Mesh, d: SolverData): { band: Float32Array; grid: Grid } {
  const { ngll, nxElem, nzElem, npz, columnX, cornerZ } = mesh;
  const cell = (columnX[1] - columnX[0]) / (ngll - 1);
  let top = Number.NEGATIVE_INFINITY;
  for (let c = 0; c <= nxElem; c++) top = Math.max(top, cornerZ[c * (nzElem + 1) + nzElem]);
  const bottom = cornerZ[0];
  const width = Math.round((columnX[nxElem] - columnX[0]) / cell);
  const height = Math.max(1, Math.round((top - bottom) / cell));
  const band = new Float32Array(width * height).fill(Number.NaN);
  const hx = new Float64Array(ngll);
  const hz = new Float64Array(ngll);
  const zAt = (column: number, row: number, s: number) =>
    cornerZ[column * (nzElem + 1) + row] +
    s * (cornerZ[(column + 1) * (nzElem + 1) + row] - cornerZ[column * (nzElem + 1) + row]);
  for (let i = 0; i < width; i++) {
    const x = columnX[0] + (i + 0.5) * cell;
    const column = Math.min(nxElem - 1, Math.floor((x - columnX[0]) / (columnX[1] - columnX[0])));
    const s = (x - columnX[column]) / (columnX[column + 1] - columnX[column]);
    lagrangeAt(mesh.basis.points, 2 * s - 1, hx);
    let row = 0;
    for (let j = height - 1; j >= 0; j--) {
      const z = top - (j + 0.5) * cell;
      if (z > zAt(column, nzElem, s) || z < bottom) continue;
      while (row < nzElem - 1 && z > zAt(column, row + 1, s)) row++;
      const zBottom = zAt(column, row, s);
      lagrangeAt(mesh.basis.points, (2 * (z - zBottom)) / (zAt(column, row + 1, s) - zBottom) - 1, hz);
      const base = column * (ngll - 1) * npz + row * (ngll - 1);
      let vx = 0;
      let vz = 0;
      for (let a = 0; a < ngll; a++) {
        for (let b = 0; b < ngll; b++) {
          const w = hx[a] * hz[b];
          vx += w * d.vx[base + a * npz + b];
          vz += w * d.vz[base + a * npz + b];
        }
      }
      band[j * width + i] = Math.hypot(vx, vz);
    }
  }
  return {
    band,
    grid: { width, height, transform: [columnX[0], cell, 0, top, 0, -cell], crs: { geographic: false } },
  };
}

export async function writeSnapshotPng(
  path: string,
  mesh: Mesh,
  d: SolverData,
  time: number,
  name: string,
): Promise<void> {
  const { band, grid } = velocityMagnitudeGrid(mesh, d);
  await writePreviewPng(path, band, grid, {
    ramp: "magma",
    title: `${name}: velocity magnitude at t = ${time.toFixed(3)} s`,
    units: "m/s",
    min: 0,
  });
}

/** File name of the snapshot at time t (s), e.g. snapshot_0.500s.png. */
export function snapshotName(time: number): string {
  return `snapshot_${time.toFixed(3)}s.png`;
}
