import { z } from "zod";
import { memoryLimitSchema } from "../limits.ts";

/** Options of the terrain step: the CLI verb, the Lambda handler and the state machine share them. */
export const terrainOptionsSchema = z.object({
  /** Path of the DEM GeoTIFF (elevations in metres; projected in metres, or geographic in degrees). */
  dem: z.string().min(1),
  /** Folder the outputs are written to (the CLI passes a temporary folder, renamed at the end). */
  outDir: z.string().min(1),
  /** Slope/aspect method: Horn (gdaldem's default) or Zevenbergen & Thorne. */
  method: z.enum(["horn", "zevenbergen-thorne"]).default("horn"),
  /** Extrapolate values on the raster's outer ring as `gdaldem -compute_edges` does. */
  computeEdges: z.boolean().default(false),
  /** DEM band: 1-based number (as in GDAL) or band name; default 1. */
  band: z.union([z.number().int().min(1), z.string().min(1)]).optional(),
  /** Worker threads; default every core. */
  threads: z.number().int().min(1).max(256).optional(),
  /** Refuse work estimated to need more memory than this (GB); see core/limits.ts. */
  memoryLimitGb: memoryLimitSchema,
});

export type TerrainOptions = z.input<typeof terrainOptionsSchema>;
export type ParsedTerrainOptions = z.output<typeof terrainOptionsSchema>;

export interface TerrainBandSummary {
  path: string;
  preview: string;
  units: string;
  min: number | null;
  max: number | null;
  mean: number | null;
  nodataCells: number;
}

/** What runTerrain returns (JSON-serialisable; paths are inside outDir). */
export interface TerrainSummary {
  dem: string;
  method: "horn" | "zevenbergen-thorne";
  computeEdges: boolean;
  width: number;
  height: number;
  geographic: boolean;
  /** Cells with slope 0 (aspect is nodata there, as gdaldem marks flat cells). */
  flatCells: number;
  outputs: {
    slope: TerrainBandSummary;
    aspect: TerrainBandSummary;
    curvature_plan: TerrainBandSummary;
    curvature_profile: TerrainBandSummary;
  };
  seconds: number;
}

/** The files runTerrain writes, for `writeOutputsAtomically`. */
export const TERRAIN_OUTPUT_NAMES = [
  "slope.tif",
  "slope.png",
  "aspect.tif",
  "aspect.png",
  "curvature_plan.tif",
  "curvature_plan.png",
  "curvature_profile.tif",
  "curvature_profile.png",
] as const;
