import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeCog } from "../../core/raster/index.ts";
import type { Grid } from "../../core/raster/types.ts";
import type { AreaConfig } from "../../functions/shared/machines.ts";

/**
 * A small synthetic area for the event and inventory flow tests: 40 x 40 cells of 10 m in UTM 10N
 * inside the box of the Loma Prieta ShakeMap fixture (so ShakeMap events cover it), a ridge whose
 * flanks run from flat to about 50 degrees, covariates (elevation, steepness), soil samples and a
 * landslide inventory that follows steepness. Small enough that an event map takes about a second.
 */
export const AREA_GRID: Grid = {
  width: 40,
  height: 40,
  transform: [590_000, 10, 0, 4_105_000, 0, -10],
  crs: { epsg: 32610, geographic: false },
};

const SIZE = 40;
const elevationAt = (col: number, row: number) =>
  100 + 150 * Math.sin((Math.PI * col) / (SIZE - 1)) + 2 * row;
/** |dz/dx| of the ridge: 0 at the crest, about 1.2 (50 degrees) at the flanks. */
const steepnessAt = (col: number) =>
  Math.abs(((150 * Math.PI) / ((SIZE - 1) * 10)) * Math.cos((Math.PI * col) / (SIZE - 1)));
const centre = (col: number, row: number): [number, number] => [590_005 + 10 * col, 4_104_995 - 10 * row];
/** Deterministic noise in [0, 1). */
const noise = (i: number) => ((i * 7919) % 101) / 101;

export interface SyntheticAreaFiles {
  "dem.tif": Buffer;
  "covariates.tif": Buffer;
  "soil.csv": string;
  "inventory.csv": string;
}

export async function syntheticAreaFiles(workDir: string, inventorySeed = 0): Promise<SyntheticAreaFiles> {
  const elevation = new Float32Array(SIZE * SIZE);
  const steepness = new Float32Array(SIZE * SIZE);
  for (let row = 0; row < SIZE; row++) {
    for (let col = 0; col < SIZE; col++) {
      elevation[row * SIZE + col] = elevationAt(col, row);
      steepness[row * SIZE + col] = steepnessAt(col);
    }
  }
  await writeCog(join(workDir, "dem.tif"), {
    ...AREA_GRID,
    bands: [elevation],
    bandNames: ["elevation"],
    nodata: Number.NaN,
  });
  await writeCog(join(workDir, "covariates.tif"), {
    ...AREA_GRID,
    bands: [elevation, steepness],
    bandNames: ["elevation", "steepness"],
    nodata: Number.NaN,
  });
  const soil = ["x,y,cohesion_kpa"];
  for (let i = 0; i < 30; i++) {
    const [col, row] = [(i * 13) % SIZE, (i * 7 + 3) % SIZE];
    const [x, y] = centre(col, row);
    soil.push(`${x},${y},${(8 + 0.1 * col + 2 * noise(i)).toFixed(2)}`);
  }
  return {
    "dem.tif": readFileSync(join(workDir, "dem.tif")),
    "covariates.tif": readFileSync(join(workDir, "covariates.tif")),
    "soil.csv": `${soil.join("\n")}\n`,
    "inventory.csv": inventoryCsv(inventorySeed),
  };
}

/** 60 points; landslides where the ridge is steep (with a few exceptions that move with `seed`). */
export function inventoryCsv(seed = 0): string {
  const rows = ["x,y,landslide"];
  for (let i = 0; i < 60; i++) {
    const [col, row] = [(i * 11 + seed * 5) % SIZE, (i * 17 + seed * 3) % SIZE];
    const [x, y] = centre(col, row);
    const steep = steepnessAt(col) > 0.8;
    rows.push(`${x},${y},${(noise(i + seed) < 0.1 ? !steep : steep) ? 1 : 0}`);
  }
  return `${rows.join("\n")}\n`;
}

/** The area configuration events of area `name` run with (files under areas/<name>/ of `dataBucket`). */
export function syntheticAreaConfig(name: string, dataBucket: string): AreaConfig {
  const area = `s3://${dataBucket}/areas/${name}/`;
  return {
    name: `synthetic ridge ${name}`,
    vs30: 400,
    pipeline: {
      dem: `${area}dem.tif`,
      krige: {
        samples: `${area}soil.csv`,
        target: "cohesion",
        params: { value: "cohesion_kpa", cv: "none", variogram: "exp(nugget=0.5,psill=3,range=200)" },
      },
      stability: { inputs: {}, params: { frictionAngle: 30, unitWeight: 19, thickness: 2, saturation: 0.3 } },
      newmark: { inputs: {}, params: {} },
      susceptibility: {
        inputs: { inventory: `${area}inventory.csv`, covariates: `${area}covariates.tif` },
        params: { label: "landslide", forest: { trees: 30 }, cvRepeats: 0 },
      },
      hazard: { inputs: {}, params: {} },
      product: {
        sources: [{ name: "synthetic ridge", description: "made by test/helpers/synthetic-area.ts" }],
      },
    },
  };
}
