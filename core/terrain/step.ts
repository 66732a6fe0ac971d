import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { type CogWriter, openCogWriter, type RasterInfo, readRasterInfo, writePreviewPng } from "../raster/index.ts";
import type { Grid } from "../raster/types.ts";
import { BandAccumulator } from "./accumulate.ts";
import { rowCellSizes } from "./cellsize.ts";
import { type TerrainBands, computeStrip } from "./kernel.ts";
import { type TerrainOptions, type TerrainSummary, terrainOptionsSchema } from "./schema.ts";
import { readDemStrips } from "./strips.ts";

export type ProgressCallback = (fraction: number, message?: string) => void;

interface OutputSpec {
  key: keyof TerrainSummary["outputs"];
  band: keyof TerrainBands;
  units: string;
  ramp: "viridis" | "magma" | "diverging";
  title: string;
}

const OUTPUTS: OutputSpec[] = [
  { key: "slope", band: "slope", units: "degrees", ramp: "magma", title: "Slope" },
  { key: "aspect", band: "aspect", units: "degrees from north", ramp: "viridis", title: "Aspect" },
  { key: "curvature_plan", band: "curvaturePlan", units: "1/m", ramp: "diverging", title: "Plan curvature" },
  { key: "curvature_profile", band: "curvatureProfile", units: "1/m", ramp: "diverging", title: "Profile curvature" },
];

/**
 * The terrain step: slope, aspect and plan/profile curvature of a DEM as COGs + PNG previews in
 * `outDir`. The DEM is read and written in strips of rows, so memory does not grow with its size.
 */
export async function runTerrain(options: TerrainOptions, hooks: { onProgress?: ProgressCallback } = {}): Promise<TerrainSummary> {
  const started = performance.now();
  const parsed = terrainOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`invalid terrain option ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  const { dem, outDir, method, computeEdges } = parsed.data;
  const info = await readRasterInfo(dem);
  const bandIndex = resolveBand(info, parsed.data.band, dem);
  if (info.width < 3 || info.height < 3) {
    throw new InputError(`the DEM is ${info.width} x ${info.height} cells; terrain needs at least 3 x 3`, { file: dem });
  }
  const { cellWidth, cellHeight } = rowCellSizes(info, dem);
  const grid: Grid = { width: info.width, height: info.height, transform: info.transform, crs: info.crs };

  mkdirSync(outDir, { recursive: true });
  const writers: CogWriter[] = OUTPUTS.map((o) => openCogWriter(join(outDir, `${o.key}.tif`), grid, { bandNames: [o.key] }));
  const accumulators = OUTPUTS.map(() => new BandAccumulator(info.width, info.height));
  let validDemCells = 0;
  let flatCells = 0;
  try {
    for await (const strip of readDemStrips(dem, info, bandIndex)) {
      for (const z of strip.newRows) if (!Number.isNaN(z)) validDemCells++;
      const cells = (strip.rowEnd - strip.rowStart) * info.width;
      const bands: TerrainBands = {
        slope: new Float32Array(cells),
        aspect: new Float32Array(cells),
        curvaturePlan: new Float32Array(cells),
        curvatureProfile: new Float32Array(cells),
      };
      computeStrip(
        { ...strip, width: info.width, demHeight: info.height, cellWidth, cellHeight, method, computeEdges },
        bands,
      );
      for (const s of bands.slope) if (s === 0) flatCells++;
      for (let k = 0; k < OUTPUTS.length; k++) {
        const values = bands[OUTPUTS[k].band];
        accumulators[k].add(strip.rowStart, values);
        await writers[k].writeRows(strip.rowStart, values);
      }
      hooks.onProgress?.(strip.rowEnd / info.height, `rows ${strip.rowEnd}/${info.height}`);
    }
    if (validDemCells === 0) throw new InputError("every cell of the DEM is nodata: nothing to compute", { file: dem });
    for (const writer of writers) await writer.close();
  } catch (error) {
    await Promise.all(writers.map((w) => w.abort()));
    throw error;
  }

  const outputs = {} as TerrainSummary["outputs"];
  for (let k = 0; k < OUTPUTS.length; k++) {
    const spec = OUTPUTS[k];
    const accumulator = accumulators[k];
    const preview = join(outDir, `${spec.key}.png`);
    await writePreviewPng(preview, accumulator.preview, accumulator.previewGrid(grid), previewRange(spec, accumulator));
    outputs[spec.key] = { path: join(outDir, `${spec.key}.tif`), preview, units: spec.units, ...accumulator.summary() };
  }
  return {
    dem,
    method,
    computeEdges,
    width: info.width,
    height: info.height,
    geographic: info.crs.geographic,
    flatCells,
    outputs,
    seconds: (performance.now() - started) / 1000,
  };
}

function previewRange(spec: OutputSpec, accumulator: BandAccumulator) {
  const base = { ramp: spec.ramp, title: spec.title, units: spec.units };
  if (spec.key === "aspect") return { ...base, min: 0, max: 360 };
  if (spec.key === "slope") return { ...base, min: 0, max: Math.max(1, accumulator.max) };
  // Curvatures are heavy-tailed: centre the ramp on 0 and clip at the 98th percentile of |value|.
  const limit = accumulator.previewAbsQuantile(0.98);
  return { ...base, min: -limit, max: limit };
}

/** 0-based band index from a 1-based number or a band name (default: the first band). */
function resolveBand(info: RasterInfo, band: number | string | undefined, file: string): number {
  if (band === undefined) return 0;
  if (typeof band === "number") {
    if (band > info.bandCount) throw new InputError(`band ${band} does not exist (the file has ${info.bandCount})`, { file });
    return band - 1;
  }
  const index = info.bandNames.indexOf(band);
  if (index < 0) {
    const names = info.bandNames.map((n, i) => n ?? `#${i + 1}`).join(", ");
    throw new InputError(`no band named "${band}" (bands: ${names})`, { file });
  }
  return index;
}
