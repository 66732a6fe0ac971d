import assert from "node:assert/strict";
import { test } from "node:test";
import { greatCircleKm, joynerBooreKm } from "../../../core/groundmotion/distance.ts";
import { cellCentresLonLat, projectionFor } from "../../../core/groundmotion/projection.ts";

// [EPSG, x, y, lon, lat] from GDAL/PROJ (exact transverse Mercator):
//   echo "x y" | gdaltransform -s_srs EPSG:<code> -t_srs EPSG:4326 -output_xy
// Inside zones, at a zone edge (3 degrees off the central meridian), far north and far south.
const GDAL_POINTS: [number, number, number, number, number][] = [
  [32717, 711962.727, 9561011.76, -79.0909470115, -3.9693884293],
  [32717, 715792.727, 9556861.76, -79.0563770042, -4.0068305899],
  [32717, 166021.443, 9000000, -84.0374661334, -9.0339804601],
  [32610, 590000, 4110000, -121.9867517884, 37.1320347834],
  [32610, 833978.556, 0, -120.0000000083, 0],
  [32633, 500000, 7000000, 15, 63.1293397118],
  [32701, 300000, 1000000, 171.6208931192, -80.8845939442],
];

test("UTM inverse and forward agree with PROJ (gdaltransform) to millimetres, within and at the edge of zones", () => {
  const out = new Float64Array(2);
  for (const [epsg, x, y, lon, lat] of GDAL_POINTS) {
    const projection = projectionFor({ epsg, geographic: false });
    projection.inverse(x, y, out);
    // 1e-8 degree is 1.1 mm: third-order Krüger series are good to a few mm within 4 degrees
    // of the central meridian (Karney 2011, fig. 1).
    assert.ok(
      Math.abs(out[0] - lon) < 1e-8 && Math.abs(out[1] - lat) < 1e-8,
      `EPSG:${epsg} ${x} ${y}: ${out}`,
    );
    projection.forward(lon, lat, out);
    assert.ok(Math.abs(out[0] - x) < 2e-3 && Math.abs(out[1] - y) < 2e-3, `EPSG:${epsg} forward: ${out}`);
  }
});

test("geographic grids pass through; other CRSs are refused with the gdalwarp hint", () => {
  const out = new Float64Array(2);
  projectionFor({ epsg: 4326, geographic: true }).inverse(-79.1, -3.9, out);
  assert.deepEqual([...out], [-79.1, -3.9]);
  assert.throws(
    () => projectionFor({ epsg: 3857, geographic: false }, "dem.tif"),
    /dem\.tif is in EPSG:3857.*gdalwarp -t_srs/,
  );
  assert.throws(() => projectionFor({ geographic: false }), /unnamed CRS/);
});

test("cell centres: the first cell's centre is half a cell inside the origin", () => {
  const grid = {
    width: 2,
    height: 1,
    transform: [711962.727, 10, 0, 9561011.76, 0, -10],
    crs: { epsg: 32717, geographic: false },
  } as const;
  const { lon, lat } = cellCentresLonLat(
    { ...grid, transform: [...grid.transform] },
    projectionFor(grid.crs),
  );
  const out = new Float64Array(2);
  projectionFor(grid.crs).inverse(711967.727, 9561006.76, out);
  assert.equal(lon[0], out[0]);
  assert.equal(lat[0], out[1]);
  assert.ok(lon[1] > lon[0]);
});

test("Rjb: great-circle epicentral distance, and 0 above a rupture polygon, distance to its edge outside", () => {
  // One degree of latitude on the mean sphere: 6371.0088 * pi / 180 = 111.195 km.
  assert.ok(Math.abs(greatCircleKm(0, 0, 0, 1) - 111.19508) < 1e-4);
  const lon = Float64Array.from([-79.0, -79.0, -78.5]);
  const lat = Float64Array.from([-4.0, -3.0, -4.0]);
  const point = joynerBooreKm(lon, lat, { lon: -79, lat: -4 });
  assert.equal(point[0], 0);
  assert.ok(Math.abs(point[1] - 111.195) < 1e-2);
  // A 0.2 x 0.2 degree rupture centred on (-79, -4): cell 0 is inside, cell 2 is 0.4 degrees east of its edge.
  const ring: [number, number][] = [
    [-79.1, -4.1],
    [-78.9, -4.1],
    [-78.9, -3.9],
    [-79.1, -3.9],
  ];
  const finite = joynerBooreKm(lon, lat, { ring });
  assert.equal(finite[0], 0);
  const expected = 0.4 * 111.195 * Math.cos((4 * Math.PI) / 180);
  assert.ok(Math.abs(finite[2] / expected - 1) < 0.01, `${finite[2]} vs ${expected}`);
  assert.ok(Math.abs(finite[1] - 0.9 * 111.195) < 1, "north of the rupture: distance to its northern edge");
});
