import { join } from "node:path";
import { InputError } from "../errors.ts";
import { type CogWriter, openCogWriter, readRasterInfo, writePreviewPng } from "../raster/index.ts";
import type { Grid } from "../raster/types.ts";
import { BandAccumulator } from "./accumulate.ts";
import { rowCellSizes } from "./cellsize.ts";
import { type TerrainBands, type TerrainMethod, computeStrip } from "./kernel.ts";
import type { TerrainBandSummary, TerrainSummary } from "./schema.ts";
import { readDemStrips } from "./strips.ts";

export type OutputKey = keyof TerrainSummary["outputs"];

interface OutputSpec {
  band: keyof TerrainBands;
  units: string;
  ramp: "viridis" | "magma" | "diverging";
  title: string;
}

export const OUTPUT_SPECS: Record<OutputKey, OutputSpec> = {
  slope: { band: "slope", units: "degrees", ramp: "magma", title: "Slope" },
  aspect: { band: "aspect", units: "degrees from north", ramp: "viridis", title: "Aspect" },
  curvature_plan: { band: "curvaturePlan", units: "1/m", ramp: "diverging", title: "Plan curvature" },
  curvature_profile: { band: "curvatureProfile", units: "1/m", ramp: "diverging", title: "Profile curvature" },
};

/** One share of the terrain work: some of the outputs, all rows (plain data, so a worker can take it). */
export interface TerrainPart {
  dem: string;
  bandIndex: number;
  outDir: string;
  method: TerrainMethod;
  computeEdges: boolean;
  outputs: OutputKey[];
}

export interface TerrainPartResult {
  validDemCells: number;
  flatCells: number;
  outputs: Partial<Record<OutputKey, TerrainBandSummary>>;
}

/**
 * Streams the DEM strip by strip, computes the attributes and writes the part's outputs (COG +
 * PNG each) into `outDir`. On any error the part's COGs are removed.
 */
export async function runTerrainPart(part: TerrainPart, onProgress?: (fraction: number) => void): Promise<TerrainPartResult> {
  const info = await readRasterInfo(part.dem);
  const { cellWidth, cellHeight } = rowCellSizes(info, part.dem);
  const grid: Grid = { width: info.width, height: info.height, transform: info.transform, crs: info.crs };
  // zlib level 1: slopes and curvatures are noisy Float32 that level 6 compresses < 2 % better, 20 % slower.
  const writers: CogWriter[] = part.outputs.map((key) =>
    openCogWriter(join(part.outDir, `${key}.tif`), grid, { bandNames: [key], deflateLevel: 1 }),
  );
  const accumulators = part.outputs.map(() => new BandAccumulator(info.width, info.height));
  let validDemCells = 0;
  let flatCells = 0;
  try {
    for await (const strip of readDemStrips(part.dem, info, part.bandIndex)) {
      for (const z of strip.newRows) if (!Number.isNaN(z)) validDemCells++;
      const cells = (strip.rowEnd - strip.rowStart) * info.width;
      const bands: TerrainBands = {
        slope: new Float32Array(cells),
        aspect: new Float32Array(cells),
        curvaturePlan: new Float32Array(cells),
        curvatureProfile: new Float32Array(cells),
      };
      computeStrip(
        { ...strip, width: info.width, demHeight: info.height, cellWidth, cellHeight, method: part.method, computeEdges: part.computeEdges },
        bands,
      );
      for (const s of bands.slope) if (s === 0) flatCells++;
      await Promise.all(
        part.outputs.map((key, k) => {
          const values = bands[OUTPUT_SPECS[key].band];
          accumulators[k].add(strip.rowStart, values);
          return writers[k].writeRows(strip.rowStart, values);
        }),
      );
      onProgress?.(strip.rowEnd / info.height);
    }
    if (validDemCells === 0) throw new InputError("every cell of the DEM is nodata: nothing to compute", { file: part.dem });
    await Promise.all(writers.map((writer) => writer.close()));
  } catch (error) {
    await Promise.all(writers.map((writer) => writer.abort()));
    throw error;
  }

  const outputs: TerrainPartResult["outputs"] = {};
  for (let k = 0; k < part.outputs.length; k++) {
    const key = part.outputs[k];
    const spec = OUTPUT_SPECS[key];
    const accumulator = accumulators[k];
    const preview = join(part.outDir, `${key}.png`);
    await writePreviewPng(preview, accumulator.preview, accumulator.previewGrid(grid), previewRange(key, accumulator));
    outputs[key] = { path: join(part.outDir, `${key}.tif`), preview, units: spec.units, ...accumulator.summary() };
  }
  return { validDemCells, flatCells, outputs };
}

function previewRange(key: OutputKey, accumulator: BandAccumulator) {
  const { ramp, title, units } = OUTPUT_SPECS[key];
  const base = { ramp, title, units };
  if (key === "aspect") return { ...base, min: 0, max: 360 };
  if (key === "slope") return { ...base, min: 0, max: Math.max(1, accumulator.max) };
  // Curvatures are heavy-tailed: centre the ramp on 0 and clip at the 98th percentile of |value|.
  const limit = accumulator.previewAbsQuantile(0.98);
  return { ...base, min: -limit, max: limit };
}
