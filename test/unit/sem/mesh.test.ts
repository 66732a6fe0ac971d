import assert from "node:assert/strict";
import { test } from "node:test";
import { buildMesh } from "../../../core/sem/mesh.ts";
import { buildSolverData } from "../../../core/sem/solver-data.ts";

const spec = {
  xmin: 0,
  xmax: 1000,
  zmin: -600,
  surface: { x: [0, 300, 500, 700, 1000], z: [0, 0, 80, 0, 10] },
  layers: [
    { bottom: -100, vp: 1500, vs: 600, rho: 1900, elementHeight: 50 },
    { bottom: -600, vp: 3000, vs: 1700, rho: 2500, elementHeight: 100 },
  ],
  elementWidth: 50,
  ngll: 5,
};

test("the mesh follows the surface at every element corner and puts the interface on element edges", () => {
  const mesh = buildMesh(spec);
  assert.equal(mesh.nxElem, 20);
  // Top layer: thickness 180 m under the highest point, 50 m rows → 4 rows; bottom: 500 m / 100 m → 5.
  assert.equal(mesh.nzElem, 9);
  for (let c = 0; c <= mesh.nxElem; c++) {
    const x = mesh.columnX[c];
    const surface =
      x <= 300
        ? 0
        : x <= 500
          ? ((x - 300) / 200) * 80
          : x <= 700
            ? 80 - ((x - 500) / 200) * 80
            : ((x - 700) / 300) * 10;
    // Exact arithmetic on these numbers up to round-off of O(100 m) values.
    assert.ok(Math.abs(mesh.cornerZ[c * 10 + 9] - surface) < 1e-9, `surface at x = ${x}`);
    assert.ok(Math.abs(mesh.cornerZ[c * 10 + 5] + 100) < 1e-9, `interface at x = ${x}`);
    assert.equal(mesh.cornerZ[c * 10], -600);
  }
  for (let c = 0; c < mesh.nxElem; c++) {
    for (let r = 0; r < mesh.nzElem; r++) assert.equal(mesh.layerOf[c * mesh.nzElem + r], r < 5 ? 1 : 0);
  }
});

// GLL quadrature of the Jacobian of a bilinear element is exact (degree 1 in each direction),
// so the diagonal mass must add up to Σ ρ × area exactly, up to summation round-off (1e-12).
// Double precision: the check is on the assembly, which single precision then rounds to 6e-8.
test("the lumped mass adds up to the mass of the model", () => {
  const mesh = buildMesh(spec);
  const data = buildSolverData(mesh, {
    dt: 1e-3,
    nsteps: 1,
    absorbing: false,
    sources: {
      points: new Int32Array(0),
      fx: new Float64Array(0),
      fz: new Float64Array(0),
      timeFunction: new Int32Array(0),
      stfTable: new Float64Array(1),
    },
    receivers: [],
    kernel: "double",
  });
  let total = 0;
  for (let p = 0; p < data.nglob; p++) total += 1 / data.invMassX[p];
  // Top layer area: trapezoids of (surface + 100) over the profile's segments.
  const topArea = 300 * 100 + ((100 + 180) / 2) * 200 * 2 + ((100 + 110) / 2) * 300;
  const expected = 1900 * topArea + 2500 * 1000 * 500;
  assert.ok(Math.abs(total / expected - 1) < 1e-12, `${total} vs ${expected}`);
});
