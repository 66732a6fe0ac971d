import { InputError } from "../errors.ts";
import { lagrangeAt } from "./gll.ts";
import type { Mesh } from "./mesh.ts";

export interface MeshLocation {
  column: number;
  row: number;
  xi: number;
  gamma: number;
}

/** The element holding (x, z) and the reference coordinates there (exact: the map is linear in gamma at fixed xi). */
export function locatePoint(mesh: Mesh, x: number, z: number, what: string): MeshLocation {
  const { columnX, nxElem, nzElem, cornerZ } = mesh;
  const tolerance = 1e-9 * (columnX[nxElem] - columnX[0]);
  if (x < columnX[0] - tolerance || x > columnX[nxElem] + tolerance) {
    throw new InputError(
      `${what} at x = ${x} m lies outside the domain (${columnX[0]} to ${columnX[nxElem]} m)`,
    );
  }
  const width = (columnX[nxElem] - columnX[0]) / nxElem;
  const column = Math.min(nxElem - 1, Math.max(0, Math.floor((x - columnX[0]) / width)));
  const s = Math.min(1, Math.max(0, (x - columnX[column]) / (columnX[column + 1] - columnX[column])));
  const cornerAt = (row: number) =>
    cornerZ[column * (nzElem + 1) + row] +
    s * (cornerZ[(column + 1) * (nzElem + 1) + row] - cornerZ[column * (nzElem + 1) + row]);
  const bottom = cornerAt(0);
  const top = cornerAt(nzElem);
  const zTolerance = 1e-6 * Math.max(1, top - bottom);
  if (z < bottom - zTolerance || z > top + zTolerance) {
    throw new InputError(
      `${what} at (x = ${x} m, z = ${z} m) lies outside the domain: at that x it spans z = ${bottom.toFixed(2)} to ${top.toFixed(2)} m`,
    );
  }
  let row = 0;
  while (row < nzElem - 1 && z > cornerAt(row + 1)) row++;
  const zBottom = cornerAt(row);
  const zTop = cornerAt(row + 1);
  const t = Math.min(1, Math.max(0, (z - zBottom) / (zTop - zBottom)));
  return { column, row, xi: 2 * s - 1, gamma: 2 * t - 1 };
}

/** Elevation of the free surface of the mesh at x (piecewise linear between element corners). */
export function meshSurfaceAt(mesh: Mesh, x: number): number {
  const { columnX, nxElem, nzElem, cornerZ } = mesh;
  const width = (columnX[nxElem] - columnX[0]) / nxElem;
  const column = Math.min(nxElem - 1, Math.max(0, Math.floor((x - columnX[0]) / width)));
  const s = Math.min(1, Math.max(0, (x - columnX[column]) / width));
  const left = cornerZ[column * (nzElem + 1) + nzElem];
  const right = cornerZ[(column + 1) * (nzElem + 1) + nzElem];
  return left + s * (right - left);
}

export interface InterpolationStencil {
  /** ngll² global point indices of the element holding the location. */
  points: Int32Array;
  /** Lagrange interpolation weights h_i(xi) h_j(gamma) at those points. */
  weights: Float64Array;
  /** ∂(h_i h_j)/∂x and ∂/∂z at the location (for moment-tensor sources). */
  dweightsDx: Float64Array;
  dweightsDz: Float64Array;
}

export function interpolationStencil(mesh: Mesh, location: MeshLocation): InterpolationStencil {
  const { ngll, npz } = mesh;
  const nn = ngll * ngll;
  const hx = new Float64Array(ngll);
  const dhx = new Float64Array(ngll);
  const hz = new Float64Array(ngll);
  const dhz = new Float64Array(ngll);
  lagrangeAt(mesh.basis.points, location.xi, hx, dhx);
  lagrangeAt(mesh.basis.points, location.gamma, hz, dhz);
  // Inverse-map derivatives at the location, from the map's derivatives interpolated there.
  const base = location.column * (ngll - 1) * npz + location.row * (ngll - 1);
  let dxdxi = 0;
  let dxdgamma = 0;
  let dzdxi = 0;
  let dzdgamma = 0;
  for (let i = 0; i < ngll; i++) {
    for (let j = 0; j < ngll; j++) {
      const p = base + i * npz + j;
      dxdxi += dhx[i] * hz[j] * mesh.coordX[p];
      dxdgamma += hx[i] * dhz[j] * mesh.coordX[p];
      dzdxi += dhx[i] * hz[j] * mesh.coordZ[p];
      dzdgamma += hx[i] * dhz[j] * mesh.coordZ[p];
    }
  }
  const jacobian = dxdxi * dzdgamma - dxdgamma * dzdxi;
  const xix = dzdgamma / jacobian;
  const xiz = -dxdgamma / jacobian;
  const gammax = -dzdxi / jacobian;
  const gammaz = dxdxi / jacobian;
  const stencil: InterpolationStencil = {
    points: new Int32Array(nn),
    weights: new Float64Array(nn),
    dweightsDx: new Float64Array(nn),
    dweightsDz: new Float64Array(nn),
  };
  for (let i = 0; i < ngll; i++) {
    for (let j = 0; j < ngll; j++) {
      const k = i * ngll + j;
      stencil.points[k] = base + i * npz + j;
      stencil.weights[k] = hx[i] * hz[j];
      const dxi = dhx[i] * hz[j];
      const dgamma = hx[i] * dhz[j];
      stencil.dweightsDx[k] = dxi * xix + dgamma * gammax;
      stencil.dweightsDz[k] = dxi * xiz + dgamma * gammaz;
    }
  }
  return stencil;
}
