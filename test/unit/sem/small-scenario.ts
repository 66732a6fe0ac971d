// A small layered scenario over a hill (cheap: a few hundred elements), shared by several tests.
import { parseScenario, type Scenario } from "../../../core/sem/scenario.ts";

export function smallScenario(overrides: Record<string, unknown> = {}): Scenario {
  return parseScenario(
    {
      name: "small-hill",
      domain: { xmin: 0, xmax: 1000, zmin: -600 },
      topography: { x: [0, 300, 500, 700, 1000], z: [0, 0, 80, 0, 10] },
      layers: [
        { bottom_z: -100, vp: 1500, vs: 600, rho: 1900, element_size_m: 50 },
        { vp: 3000, vs: 1700, rho: 2500 },
      ],
      mesh: { element_size_m: 100, ngll: 5 },
      source: {
        type: "force",
        x: 480,
        z: -350,
        angle_deg: 30,
        amplitude: 1e9,
        stf: { type: "ricker", f0_hz: 4, t0_s: 0.3 },
      },
      receivers: [
        { name: "crest", x: 500, z: "surface" },
        { name: "deep", x: 820, z: -420 },
      ],
      surface_receivers: { spacing_m: 100 },
      time: { duration_s: 0.4 },
      output: { quantities: ["acceleration"] },
      ...overrides,
    },
    "small-hill.json",
  );
}
