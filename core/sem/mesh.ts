import { InputError } from "../errors.ts";
import { type GllBasis, gllBasis } from "./gll.ts";

/** Elastic layer after defaults are resolved; `bottom` is the elevation of its base (m). */
export interface MeshLayer {
  bottom: number;
  vp: number;
  vs: number;
  rho: number;
  elementHeight: number;
}

export interface MeshSpec {
  xmin: number;
  xmax: number;
  zmin: number;
  /** Free-surface elevation profile (linear between points, constant beyond the ends). */
  surface: { x: ArrayLike<number>; z: ArrayLike<number> };
  layers: MeshLayer[];
  elementWidth: number;
  ngll: number;
}

/**
 * A structured quadrilateral mesh: nxElem columns of elements with vertical sides, each column
 * split into rows that follow the free surface at the top and honour every layer interface.
 * Elements are bilinear (4 control nodes), so the free surface is the piecewise-linear
 * interpolant of the topography at the element corners. Global GLL points form a grid of
 * npx × npz; point (gx, gz) has index gx * npz + gz, and element (c, r) has index c * nzElem + r.
 */
export interface Mesh {
  basis: GllBasis;
  ngll: number;
  nxElem: number;
  nzElem: number;
  nspec: number;
  npx: number;
  npz: number;
  nglob: number;
  /** x of the element-column boundaries (nxElem + 1). */
  columnX: Float64Array;
  /** z of element corners: (nxElem + 1) × (nzElem + 1), index c * (nzElem + 1) + r. */
  cornerZ: Float64Array;
  coordX: Float64Array;
  coordZ: Float64Array;
  /** Inverse-map derivatives and Jacobian at every GLL point of every element (nspec · ngll²). */
  xix: Float64Array;
  xiz: Float64Array;
  gammax: Float64Array;
  gammaz: Float64Array;
  jacobian: Float64Array;
  /** Per element: Lamé parameters, density, velocities and layer index. */
  lambda: Float64Array;
  mu: Float64Array;
  rho: Float64Array;
  vp: Float64Array;
  vs: Float64Array;
  layerOf: Int32Array;
  /** 1 for an axis-aligned rectangle (constant inverse map: the kernel's shortcut), else 0. */
  rectangular: Int32Array;
}

export function surfaceElevation(surface: MeshSpec["surface"], x: number): number {
  const xs = surface.x;
  const zs = surface.z;
  const n = xs.length;
  if (x <= xs[0]) return zs[0];
  if (x >= xs[n - 1]) return zs[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  const f = (x - xs[lo]) / (xs[hi] - xs[lo]);
  return zs[lo] + f * (zs[hi] - zs[lo]);
}

/** Rows of elements per layer, from the layer's thickness under the highest surface point. */
function rowsPerLayer(spec: MeshSpec, columnX: Float64Array): number[] {
  let highest = Number.NEGATIVE_INFINITY;
  for (const x of columnX) highest = Math.max(highest, surfaceElevation(spec.surface, x));
  return spec.layers.map((layer, i) => {
    const top = i === 0 ? highest : spec.layers[i - 1].bottom;
    return Math.max(1, Math.ceil((top - layer.bottom) / layer.elementHeight - 1e-9));
  });
}

function buildCorners(spec: MeshSpec, columnX: Float64Array, rows: number[], nzElem: number): Float64Array {
  const cornerZ = new Float64Array(columnX.length * (nzElem + 1));
  for (let c = 0; c < columnX.length; c++) {
    const top = surfaceElevation(spec.surface, columnX[c]);
    const firstBottom = spec.layers.length > 1 ? spec.layers[0].bottom : spec.zmin;
    if (top <= firstBottom) {
      throw new InputError(
        `topography at x = ${columnX[c].toFixed(1)} m (z = ${top.toFixed(1)} m) is not above the bottom of the top layer (z = ${firstBottom} m)`,
      );
    }
    let r = 0;
    // Layers from the bottom of the domain upwards, so that row 0 is the deepest.
    for (let i = spec.layers.length - 1; i >= 0; i--) {
      const bottom = i === spec.layers.length - 1 ? spec.zmin : spec.layers[i].bottom;
      const layerTop = i === 0 ? top : spec.layers[i - 1].bottom;
      for (let k = 0; k < rows[i]; k++)
        cornerZ[c * (nzElem + 1) + r++] = bottom + ((layerTop - bottom) * k) / rows[i];
    }
    cornerZ[c * (nzElem + 1) + nzElem] = top;
  }
  return cornerZ;
}

export function buildMesh(spec: MeshSpec): Mesh {
  const basis = gllBasis(spec.ngll);
  const ngll = spec.ngll;
  const nxElem = Math.max(1, Math.ceil((spec.xmax - spec.xmin) / spec.elementWidth - 1e-9));
  const columnX = new Float64Array(nxElem + 1);
  for (let c = 0; c <= nxElem; c++) columnX[c] = spec.xmin + ((spec.xmax - spec.xmin) * c) / nxElem;
  // The last layer runs to zmin: give it that bottom for the row count.
  const layers = spec.layers.map((layer, i) =>
    i === spec.layers.length - 1 ? { ...layer, bottom: spec.zmin } : layer,
  );
  const rows = rowsPerLayer({ ...spec, layers }, columnX);
  const nzElem = rows.reduce((a, b) => a + b, 0);
  const cornerZ = buildCorners(spec, columnX, rows, nzElem);
  const nspec = nxElem * nzElem;
  const npx = nxElem * (ngll - 1) + 1;
  const npz = nzElem * (ngll - 1) + 1;
  const mesh: Mesh = {
    basis,
    ngll,
    nxElem,
    nzElem,
    nspec,
    npx,
    npz,
    nglob: npx * npz,
    columnX,
    cornerZ,
    coordX: new Float64Array(npx * npz),
    coordZ: new Float64Array(npx * npz),
    xix: new Float64Array(nspec * ngll * ngll),
    xiz: new Float64Array(nspec * ngll * ngll),
    gammax: new Float64Array(nspec * ngll * ngll),
    gammaz: new Float64Array(nspec * ngll * ngll),
    jacobian: new Float64Array(nspec * ngll * ngll),
    lambda: new Float64Array(nspec),
    mu: new Float64Array(nspec),
    rho: new Float64Array(nspec),
    vp: new Float64Array(nspec),
    vs: new Float64Array(nspec),
    layerOf: new Int32Array(nspec),
    rectangular: new Int32Array(nspec),
  };
  // Row r belongs to layer i when it is among that layer's rows (counted from the bottom).
  const layerOfRow = new Int32Array(nzElem);
  let row = 0;
  for (let i = spec.layers.length - 1; i >= 0; i--) for (let k = 0; k < rows[i]; k++) layerOfRow[row++] = i;
  for (let c = 0; c < nxElem; c++) {
    for (let r = 0; r < nzElem; r++) fillElement(mesh, spec.layers[layerOfRow[r]], layerOfRow[r], c, r);
  }
  return mesh;
}

/** Coordinates, inverse-map derivatives and Jacobian of element (c, r) from its bilinear map. */
function fillElement(mesh: Mesh, layer: MeshLayer, layerIndex: number, c: number, r: number): void {
  const { ngll, nzElem, npz } = mesh;
  const points = mesh.basis.points;
  const e = c * nzElem + r;
  const x0 = mesh.columnX[c];
  const x1 = mesh.columnX[c + 1];
  const zBottomLeft = mesh.cornerZ[c * (nzElem + 1) + r];
  const zTopLeft = mesh.cornerZ[c * (nzElem + 1) + r + 1];
  const zBottomRight = mesh.cornerZ[(c + 1) * (nzElem + 1) + r];
  const zTopRight = mesh.cornerZ[(c + 1) * (nzElem + 1) + r + 1];
  for (let i = 0; i < ngll; i++) {
    const s = (points[i] + 1) / 2; // 0 at the left side, 1 at the right
    for (let j = 0; j < ngll; j++) {
      const t = (points[j] + 1) / 2; // 0 at the bottom, 1 at the top
      const zBottom = zBottomLeft + s * (zBottomRight - zBottomLeft);
      const zTop = zTopLeft + s * (zTopRight - zTopLeft);
      const p = (c * (ngll - 1) + i) * npz + r * (ngll - 1) + j;
      mesh.coordX[p] = x0 + s * (x1 - x0);
      mesh.coordZ[p] = zBottom + t * (zTop - zBottom);
      // Derivatives of the map with respect to xi and gamma (each in [-1, 1], hence the 1/2).
      const dxdxi = (x1 - x0) / 2;
      const dxdgamma = 0;
      const dzdxi = ((1 - t) * (zBottomRight - zBottomLeft) + t * (zTopRight - zTopLeft)) / 2;
      const dzdgamma = (zTop - zBottom) / 2;
      const jacobian = dxdxi * dzdgamma - dxdgamma * dzdxi;
      if (!(jacobian > 0))
        throw new InputError(
          `mesh element at column ${c}, row ${r} is degenerate (Jacobian ${jacobian}); check topography and layers`,
        );
      const k = e * ngll * ngll + i * ngll + j;
      mesh.xix[k] = dzdgamma / jacobian;
      mesh.xiz[k] = -dxdgamma / jacobian;
      mesh.gammax[k] = -dzdxi / jacobian;
      mesh.gammaz[k] = dxdxi / jacobian;
      mesh.jacobian[k] = jacobian;
    }
  }
  mesh.rho[e] = layer.rho;
  mesh.vp[e] = layer.vp;
  mesh.vs[e] = layer.vs;
  mesh.mu[e] = layer.rho * layer.vs * layer.vs;
  mesh.lambda[e] = layer.rho * layer.vp * layer.vp - 2 * mesh.mu[e];
  mesh.layerOf[e] = layerIndex;
  mesh.rectangular[e] = zBottomLeft === zBottomRight && zTopLeft === zTopRight ? 1 : 0;
}

/** Smallest distance between neighbouring GLL points of element e (for the Courant number). */
export function minGllDistance(mesh: Mesh, e: number): number {
  const { ngll, nzElem, npz } = mesh;
  const c = Math.floor(e / nzElem);
  const r = e - c * nzElem;
  const base = c * (ngll - 1) * npz + r * (ngll - 1);
  let smallest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ngll; i++) {
    for (let j = 0; j < ngll; j++) {
      const p = base + i * npz + j;
      if (i + 1 < ngll)
        smallest = Math.min(
          smallest,
          Math.hypot(mesh.coordX[p + npz] - mesh.coordX[p], mesh.coordZ[p + npz] - mesh.coordZ[p]),
        );
      if (j + 1 < ngll)
        smallest = Math.min(
          smallest,
          Math.hypot(mesh.coordX[p + 1] - mesh.coordX[p], mesh.coordZ[p + 1] - mesh.coordZ[p]),
        );
    }
  }
  return smallest;
}
