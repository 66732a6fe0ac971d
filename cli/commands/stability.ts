import { InputError } from "../../core/errors.ts";
import { parseDecimal } from "../../core/options.ts";
import { infiniteSlope } from "../../core/stability/infinite-slope.ts";
import { STABILITY_OUTPUTS, slopePointSchema, stabilityOptionsSchema } from "../../core/stability/schema.ts";
import { runStability, type StabilitySummary } from "../../core/stability/step.ts";
import type { Command } from "../command.ts";
import { MEMORY_LIMIT_HELP, type OptionValues, verbOptions } from "../options.ts";
import { writeOutputsAtomically } from "../output.ts";

// --slope is a raster or, in scalar mode, a number: read it as either, so that `0x1E` is refused.
const options = verbOptions(stabilityOptionsSchema, {
  fields: { slope: { kind: "number-or-text" } },
  extra: { json: { type: "boolean" } },
});
const pointOptions = verbOptions(slopePointSchema);

const help = `Usage: quakeslide stability --slope SLOPE.tif --out DIR --cohesion C --friction-angle PHI
                            --unit-weight GAMMA --thickness T --saturation M [options]
       quakeslide stability --slope ALPHA --cohesion C ... [--json]      (one slope in degrees, no rasters)

Infinite-slope static stability (Jibson, Harp & Michael 2000; Jibson 2007):
  FS  = c'/(gamma t sin a) + tan phi'/tan a - m gamma_w tan phi'/(gamma tan a)
  a_c = (FS - 1) sin a   (g; 0 where FS < 1, which is flagged as statically unstable)
Writes fs.tif, ac.tif and unstable.tif (Cloud Optimized GeoTIFFs on the slope grid, Float32, nodata
NaN), a PNG preview of each and summary.json to DIR (new, empty, or holding only these files).

Each soil parameter is a number (the same everywhere) or the path of a raster on the slope grid.
Options:
  --slope FILE|DEG          Slope raster in degrees (e.g. terrain's slope.tif): raster mode. Or one
                            slope angle in degrees, 0 <= a < 90: scalar mode (prints the result).
  --out DIR                 Output folder (raster mode). Required there.
  --cohesion KPA            Effective cohesion c' in kPa, >= 0. Required.
  --friction-angle DEG      Effective friction angle phi' in degrees, 0 <= phi' < 90. Required.
  --unit-weight KN_M3       Soil unit weight gamma in kN/m3, > 0. Required.
  --thickness M             Slope-normal thickness t of the sliding slab in m, > 0. Required.
  --saturation M            Saturated fraction m of the slab, 0..1. Required.
  --water-unit-weight KN_M3 Unit weight of water gamma_w in kN/m3 (default ${options.defaultOf("water-unit-weight")}).
${MEMORY_LIMIT_HELP}
  --json                    Print only JSON on stdout.

Edge cases: flat cells (a = 0) have FS = infinity (written as 100 in fs.tif, null in scalar JSON) and
a_c = c'/(gamma t) + tan phi' (1 - m gamma_w/gamma), the limit of (FS - 1) sin a. A nodata cell in any
input is nodata in every output. A value outside its physical range stops the run with the file
and cell named (exit 2); input values are never clamped.

Examples:
  quakeslide stability --slope 30 --cohesion 15 --friction-angle 32 --unit-weight 18 \\
      --thickness 2.5 --saturation 0.3 --json          # {"fs":1.57201...,"ac_g":0.28601...,"unstable":false}
  quakeslide stability --slope out/terrain/slope.tif --cohesion c.tif --friction-angle 32 \\
      --unit-weight 18 --thickness 2.5 --saturation 0.3 --out out/stability`;

function runScalar(values: OptionValues): number {
  if (values.out !== undefined)
    throw new InputError("--out writes maps: give --slope a raster file, or drop --out for one slope");
  const result = infiniteSlope(pointOptions.toOptions(values));
  const json = {
    fs: Number.isFinite(result.fs) ? result.fs : null,
    ac_g: result.acG,
    unstable: result.unstable,
  };
  if (values.json) console.log(JSON.stringify(json));
  else {
    const fs = Number.isFinite(result.fs) ? result.fs.toFixed(6) : "infinite (flat)";
    console.log(
      `FS = ${fs}, a_c = ${result.acG.toFixed(6)} g${result.unstable ? " (statically unstable: FS < 1)" : ""}`,
    );
  }
  return 0;
}

function printSummary(summary: StabilitySummary, outDir: string): void {
  console.log(`stability: ${summary.width} x ${summary.height} cells, ${summary.nodataCells} nodata`);
  console.log(`  unstable (FS < 1): ${summary.unstableCells} cells; flat: ${summary.flatCells} cells`);
  const ac =
    summary.acMeanG === null
      ? "all nodata"
      : `mean ${summary.acMeanG.toFixed(4)} g, max ${summary.acMaxG?.toFixed(4)} g`;
  console.log(`  a_c ${ac}. Outputs in ${outDir}`);
}

export const stabilityCommand: Command = {
  name: "stability",
  help,
  async run(args) {
    const values = options.read(args);
    // A number is one slope (scalar mode); anything else names the slope raster.
    if (typeof values.slope === "string" && parseDecimal(values.slope) !== undefined)
      return runScalar(values);
    const parsed = options.toOptions(values);
    const summary = await writeOutputsAtomically(parsed.outDir, STABILITY_OUTPUTS, (tmpDir) =>
      runStability({ ...parsed, outDir: tmpDir }),
    );
    if (values.json) console.log(JSON.stringify(summary, null, 2));
    else printSummary(summary, parsed.outDir);
    return 0;
  },
};
