import { basename, join } from "node:path";
import {
  TERRAIN_OUTPUT_NAMES,
  type TerrainSummary,
  terrainOptionsSchema,
} from "../../core/terrain/schema.ts";
import { runTerrain } from "../../core/terrain/step.ts";
import type { Command } from "../command.ts";
import { MEMORY_LIMIT_HELP, verbOptions } from "../options.ts";
import { writeOutputsAtomically } from "../output.ts";
import { progressPrinter } from "../progress.ts";

const options = verbOptions(terrainOptionsSchema, { extra: { json: { type: "boolean" } } });

const help = `Usage: quakeslide terrain --dem DEM.tif --out DIR [options]

Slope, aspect and plan/profile curvature of a DEM, written to DIR as Cloud Optimized GeoTIFFs on
the DEM's grid and CRS (slope.tif, aspect.tif, curvature_plan.tif, curvature_profile.tif; Float32,
nodata NaN) plus a PNG preview of each. DIR must be new, empty, or hold only these files.

Options:
  --dem FILE          DEM GeoTIFF, elevations in metres; projected CRS in metres or geographic
                      (degrees: each row then uses its true metric cell size). Required.
  --out DIR           Output folder. Required.
  --method NAME       horn (as gdaldem slope/aspect) or zevenbergen-thorne (as gdaldem
                      -alg ZevenbergenThorne and SAGA method 6); default ${options.defaultOf("method")}.
  --compute-edges     Also compute the outer ring of cells, extrapolating the DEM linearly
                      outwards as gdaldem -compute_edges does (default: that ring is nodata).
  --band N|NAME       DEM band, 1-based number or band name (default 1).
  --threads N         Worker threads, at most 4 (one per output); default one per
                      4 million DEM cells, up to the number of cores.
${MEMORY_LIMIT_HELP}
  --json              Print only the JSON summary on stdout (no progress on stderr).

Units: slope in degrees (0 = flat); aspect in degrees clockwise from north, nodata where the
cell is flat (as gdaldem marks it) or next to nodata; curvatures in 1/m, SAGA's Zevenbergen &
Thorne convention. Cells on the edge (unless --compute-edges) or next to nodata are nodata.

Example:
  quakeslide terrain --dem data/ecuador/dem.tif --out out/terrain
  quakeslide terrain --dem srtm.tif --out out/zt --method zevenbergen-thorne --json`;

function printSummary(summary: TerrainSummary, outDir: string): void {
  console.log(
    `terrain (${summary.method}) of ${summary.dem}: ${summary.width} x ${summary.height} cells, ${summary.seconds.toFixed(2)} s`,
  );
  for (const [name, band] of Object.entries(summary.outputs)) {
    const range =
      band.min === null
        ? "all nodata"
        : `min ${band.min.toPrecision(4)}, max ${band.max?.toPrecision(4)}, mean ${band.mean?.toPrecision(4)}`;
    console.log(`  ${name.padEnd(18)} ${range} ${band.units}; ${band.nodataCells} nodata cells`);
  }
  console.log(`  ${summary.flatCells} flat cells (aspect nodata). Outputs in ${outDir}`);
}

export const terrainCommand: Command = {
  name: "terrain",
  help,
  async run(args) {
    const { options: parsed, flags } = options.parse(args);
    const onProgress = flags.json ? undefined : progressPrinter("terrain");
    const summary = await writeOutputsAtomically(parsed.outDir, TERRAIN_OUTPUT_NAMES, async (tmpDir) => {
      const result = await runTerrain({ ...parsed, outDir: tmpDir }, { onProgress });
      return relocate(result, parsed.outDir);
    });
    if (flags.json) console.log(JSON.stringify(summary, null, 2));
    else printSummary(summary, parsed.outDir);
    return 0;
  },
};

/** The step wrote into the temporary folder; report the paths the files have after the rename. */
function relocate(summary: TerrainSummary, to: string): TerrainSummary {
  const outputs = Object.fromEntries(
    Object.entries(summary.outputs).map(([name, band]) => [
      name,
      { ...band, path: join(to, basename(band.path)), preview: join(to, basename(band.preview)) },
    ]),
  ) as TerrainSummary["outputs"];
  return { ...summary, outputs };
}
