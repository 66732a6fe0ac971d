import { join } from "node:path";
import { type CogWriter, openCogWriter, writePreviewPng } from "../raster/index.ts";
import type { Grid } from "../raster/types.ts";
import { BandAccumulator } from "./accumulate.ts";
import { computeStrip, type TerrainBands, type TerrainMethod } from "./kernel.ts";
import type { TerrainBandSummary, TerrainSummary } from "./schema.ts";

export type OutputKey = keyof TerrainSummary["outputs"];
export type OutputSummaries = Partial<Record<OutputKey, TerrainBandSummary>>;

/** What a sink tells at the end: its outputs' summaries, and the flat cells if it computed slope. */
export interface SinkResult {
  summaries: OutputSummaries;
  flatCells?: number;
}

/** Rows of the DEM to compute, with their halo rows: what the reading thread hands each sink. */
export interface TerrainStrip {
  /** Elevations (NaN = nodata) of DEM rows `firstRow ..`: the rows to compute plus a halo row each side. */
  elevation: Float32Array;
  firstRow: number;
  /** Rows to compute: `[rowStart, rowEnd)`. */
  rowStart: number;
  rowEnd: number;
}

/** What every sink needs to compute its outputs from strips: fixed for the whole DEM. */
export interface TerrainGeometry {
  grid: Grid;
  method: TerrainMethod;
  computeEdges: boolean;
  /** Metric cell sizes of each DEM row (see cellsize.ts). */
  cellWidth: Float64Array;
  cellHeight: Float64Array;
}

/** Computes and writes some of the outputs (COG, statistics, preview) from DEM strips. */
export interface TerrainSink {
  /** Computes this sink's outputs on the strip's rows and writes them. */
  add(strip: TerrainStrip): Promise<void>;
  /** Finishes the COGs, writes the PNG previews and returns the outputs' summaries. */
  finish(): Promise<SinkResult>;
  /** Gives up: removes the sink's partial files. */
  abort(): Promise<void>;
}

const BAND_OF_OUTPUT: Record<OutputKey, keyof TerrainBands> = {
  slope: "slope",
  aspect: "aspect",
  curvature_plan: "curvaturePlan",
  curvature_profile: "curvatureProfile",
};

const OUTPUT_STYLE: Record<
  OutputKey,
  { units: string; ramp: "viridis" | "magma" | "diverging"; title: string }
> = {
  slope: { units: "degrees", ramp: "magma", title: "Slope" },
  aspect: { units: "degrees from north", ramp: "viridis", title: "Aspect" },
  curvature_plan: { units: "1/m", ramp: "diverging", title: "Plan curvature" },
  curvature_profile: { units: "1/m", ramp: "diverging", title: "Profile curvature" },
};

/**
 * The sink that computes and encodes in the calling thread. The COG tiles are deflated with
 * the "planes" encoder (core/raster/plane-deflate.ts): on these noisy Float32 outputs zlib,
 * even at level 1 with its RLE strategy, spent most of the step's time for a few percent of size.
 */
export function openLocalSink(outDir: string, geometry: TerrainGeometry, keys: OutputKey[]): TerrainSink {
  const { grid } = geometry;
  const writers: CogWriter[] = keys.map((key) =>
    openCogWriter(join(outDir, `${key}.tif`), grid, { bandNames: [key], deflateStrategy: "planes" }),
  );
  const accumulators = keys.map(() => new BandAccumulator(grid.width, grid.height));
  const slope = keys.indexOf("slope");
  // One array per output, reused strip after strip: add() returns once the writers have copied it.
  let scratch = keys.map(() => new Float32Array(0));
  return {
    async add(strip) {
      const cells = (strip.rowEnd - strip.rowStart) * grid.width;
      if (scratch[0].length < cells) scratch = keys.map(() => new Float32Array(cells));
      const bands: Partial<TerrainBands> = {};
      keys.forEach((key, k) => {
        bands[BAND_OF_OUTPUT[key]] = scratch[k].subarray(0, cells);
      });
      computeStrip({ ...strip, ...geometry, width: grid.width, demHeight: grid.height }, bands);
      await Promise.all(
        keys.map((key, k) => {
          const values = bands[BAND_OF_OUTPUT[key]] as Float32Array;
          accumulators[k].add(strip.rowStart, values);
          return writers[k].writeRows(strip.rowStart, values);
        }),
      );
    },
    async finish() {
      // The COGs are assembled (file writes) while the previews are drawn.
      const closing = Promise.all(writers.map((writer) => writer.close()));
      closing.catch(() => {}); // awaited below, also when a preview fails
      try {
        const summaries = await writePreviews();
        await closing;
        // Slope 0: a flat cell, where aspect is nodata.
        return { summaries, flatCells: slope >= 0 ? accumulators[slope].zeroCells : undefined };
      } catch (error) {
        await closing.catch(() => {});
        throw error;
      }
    },
    async abort() {
      await Promise.all(writers.map((writer) => writer.abort()));
    },
  };

  async function writePreviews(): Promise<OutputSummaries> {
    const summaries: OutputSummaries = {};
    await Promise.all(
      keys.map((key, k) => {
        const preview = join(outDir, `${key}.png`);
        const accumulator = accumulators[k];
        const path = join(outDir, `${key}.tif`);
        summaries[key] = { path, preview, units: OUTPUT_STYLE[key].units, ...accumulator.summary() };
        return writePreviewPng(
          preview,
          accumulator.preview,
          accumulator.previewGrid(grid),
          previewOptions(key, accumulator),
        );
      }),
    );
    return summaries;
  }
}

function previewOptions(key: OutputKey, accumulator: BandAccumulator) {
  const style = OUTPUT_STYLE[key];
  if (key === "aspect") return { ...style, min: 0, max: 360 };
  if (key === "slope") return { ...style, min: 0, max: Math.max(1, accumulator.max) };
  // Curvatures are heavy-tailed: centre the ramp on 0 and clip at the 98th percentile of |value|.
  const limit = accumulator.previewAbsQuantile(0.98);
  return { ...style, min: -limit, max: limit };
}
