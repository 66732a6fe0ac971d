import assert from "node:assert/strict";
import { test } from "node:test";
import { cellAreasByRow } from "../../../core/stability/raster-io.ts";

test("cell areas: projected cells are |dx dy|; geographic cells use the spherical zone area", () => {
  const projected = cellAreasByRow({
    width: 2,
    height: 2,
    transform: [0, 30, 0, 0, 0, -30],
    crs: { geographic: false },
  });
  assert.deepEqual(Array.from(projected), [900, 900]);
  // A 1° x 1° cell touching the equator: R² (π/180) sin 1°, R = 6371.0088 km → 12,363.7 km²
  // (closed form, evaluated independently with python3); 1e-9 relative is float rounding.
  const geographic = cellAreasByRow({
    width: 1,
    height: 2,
    transform: [0, 1, 0, 1, 0, -1],
    crs: { geographic: true },
  });
  const expected = 6371008.8 ** 2 * (Math.PI / 180) * Math.sin(Math.PI / 180);
  assert.ok(Math.abs(geographic[0] - expected) < 1e-9 * expected);
  assert.ok(Math.abs(geographic[1] - expected) < 1e-9 * expected, "symmetric about the equator");
  assert.ok(Math.abs(expected / 1e6 - 12363.7) < 0.1);
});
