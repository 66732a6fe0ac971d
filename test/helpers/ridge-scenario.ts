import { writeCog } from "../../core/raster/index.ts";

/**
 * A SEM scenario small enough for a Batch job in a test (0.3 s over a 280 m profile, seconds of
 * CPU): a cut through the tests' synthetic `ridge.tif` DEM, staged beside it under that name.
 */
export function ridgeScenario(name: string) {
  return {
    name,
    domain: { xmin: 0, xmax: 280, zmin: -200 },
    topography: { dem: "ridge.tif", from: [500_005, 9_799_850], to: [500_295, 9_799_850] },
    layers: [{ vp: 2000, vs: 1000, rho: 2000 }],
    mesh: { element_size_m: 70, ngll: 5 },
    source: { type: "force", x: 140, z: -120, amplitude: 1e9, stf: { type: "ricker", f0_hz: 3, t0_s: 0.35 } },
    receivers: [{ name: "top", x: 140, z: "surface" }],
    time: { duration_s: 0.3 },
    output: { quantities: ["acceleration"] },
  };
}

/** The `ridge.tif` the scenario cuts: 30 x 30 cells of 10 m, a ridge 20 m high running north-south. */
export async function writeRidgeDem(path: string): Promise<void> {
  const size = 30;
  const elevation = new Float32Array(size * size).map(
    (_, i) => 50 + 20 * Math.sin((Math.PI * (i % size)) / (size - 1)),
  );
  await writeCog(path, {
    width: size,
    height: size,
    transform: [500_000, 10, 0, 9_800_000, 0, -10],
    crs: { epsg: 32717, geographic: false },
    bands: [elevation],
    nodata: Number.NaN,
  });
}
