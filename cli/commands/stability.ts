import { InputError } from "../../core/errors.ts";
import {
  infiniteSlope,
  type SlopeParameters,
  validateSlopeParameters,
} from "../../core/stability/infinite-slope.ts";
import { STABILITY_OUTPUTS } from "../../core/stability/schema.ts";
import { runStability, type StabilitySummary } from "../../core/stability/step.ts";
import { type Command, numberOption, parseOptions, requireOption } from "../command.ts";
import { writeOutputsAtomically } from "../output.ts";

const help = `Usage: quakeslide stability --slope SLOPE.tif --out DIR --cohesion C --friction-angle PHI
                            --unit-weight GAMMA --thickness T --saturation M [options]
       quakeslide stability --slope-deg ALPHA --cohesion C ... [--json]      (one slope, no rasters)

Infinite-slope static stability (Jibson, Harp & Michael 2000; Jibson 2007):
  FS  = c'/(gamma t sin a) + tan phi'/tan a - m gamma_w tan phi'/(gamma tan a)
  a_c = (FS - 1) sin a   (g; 0 where FS < 1, which is flagged as statically unstable)
Writes fs.tif, ac.tif and unstable.tif (Cloud Optimized GeoTIFFs on the slope grid, Float32, nodata
NaN), a PNG preview of each and summary.json to DIR (new, empty, or holding only these files).

Each soil parameter is a number (the same everywhere) or the path of a raster on the slope grid.
Options:
  --slope FILE              Slope raster in degrees (e.g. terrain's slope.tif). Raster mode.
  --slope-deg DEG           One slope angle in degrees, 0 <= a < 90. Scalar mode (prints the result).
  --out DIR                 Output folder (raster mode). Required there.
  --cohesion KPA            Effective cohesion c' in kPa, >= 0. Required.
  --friction-angle DEG      Effective friction angle phi' in degrees, 0 <= phi' < 90. Required.
  --unit-weight KN_M3       Soil unit weight gamma in kN/m3, > 0. Required.
  --thickness M             Slope-normal thickness t of the sliding slab in m, > 0. Required.
  --saturation M            Saturated fraction m of the slab, 0..1. Required.
  --water-unit-weight KN_M3 Unit weight of water gamma_w in kN/m3 (default 9.81).
  --json                    Print only JSON on stdout.

Edge cases: flat cells (a = 0) have FS = infinity (written as 100 in fs.tif, null in scalar JSON) and
a_c = c'/(gamma t) + tan phi' (1 - m gamma_w/gamma), the limit of (FS - 1) sin a. A nodata cell in any
input is nodata in every output. A value outside its physical range stops the run with the file
and cell named (exit 2); input values are never clamped.

Examples:
  quakeslide stability --slope-deg 30 --cohesion 15 --friction-angle 32 --unit-weight 18 \\
      --thickness 2.5 --saturation 0.3 --json          # {"fs":1.57201...,"ac_g":0.28601...,"unstable":false}
  quakeslide stability --slope out/terrain/slope.tif --cohesion c.tif --friction-angle 32 \\
      --unit-weight 18 --thickness 2.5 --saturation 0.3 --out out/stability`;

const PARAMETER_OPTIONS = {
  cohesion: "cohesion",
  frictionAngle: "friction-angle",
  unitWeight: "unit-weight",
  thickness: "thickness",
  saturation: "saturation",
  waterUnitWeight: "water-unit-weight",
} as const;

/** A number stays a number; anything else is taken as a raster path. */
function constantOrPath(value: string): number | string {
  const number = Number(value);
  return value.trim() !== "" && Number.isFinite(number) ? number : value;
}

function runScalar(values: Record<string, string | boolean | undefined>): number {
  const number = (name: string, fallback?: number) =>
    numberOption(values[name] as string | undefined, name, fallback);
  const parameters: SlopeParameters = {
    slopeDeg: number("slope-deg"),
    cohesionKPa: number("cohesion"),
    frictionDeg: number("friction-angle"),
    unitWeightKNm3: number("unit-weight"),
    thicknessM: number("thickness"),
    saturation: number("saturation"),
    waterUnitWeightKNm3: number("water-unit-weight", 9.81),
  };
  validateSlopeParameters(parameters, {
    slopeDeg: "--slope-deg",
    cohesionKPa: "--cohesion",
    frictionDeg: "--friction-angle",
    unitWeightKNm3: "--unit-weight",
    thicknessM: "--thickness",
    saturation: "--saturation",
    waterUnitWeightKNm3: "--water-unit-weight",
  });
  const result = infiniteSlope(parameters);
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
    const { values } = parseOptions(args, {
      slope: { type: "string" },
      "slope-deg": { type: "string" },
      out: { type: "string" },
      cohesion: { type: "string" },
      "friction-angle": { type: "string" },
      "unit-weight": { type: "string" },
      thickness: { type: "string" },
      saturation: { type: "string" },
      "water-unit-weight": { type: "string" },
      json: { type: "boolean", default: false },
    });
    if ((values.slope === undefined) === (values["slope-deg"] === undefined)) {
      throw new InputError(
        "give either --slope FILE (raster mode) or --slope-deg DEG (scalar mode) (see --help)",
      );
    }
    if (values["slope-deg"] !== undefined) return runScalar(values);
    const outDir = requireOption(values.out, "out");
    const parameters = Object.fromEntries(
      Object.entries(PARAMETER_OPTIONS).map(([key, option]) => {
        const text =
          option === "water-unit-weight" ? (values[option] ?? "9.81") : requireOption(values[option], option);
        return [key, constantOrPath(text)];
      }),
    ) as Record<keyof typeof PARAMETER_OPTIONS, number | string>;
    const summary = await writeOutputsAtomically(outDir, STABILITY_OUTPUTS, (tmpDir) =>
      runStability({ slope: values.slope as string, ...parameters, outDir: tmpDir }),
    );
    if (values.json) console.log(JSON.stringify(summary, null, 2));
    else printSummary(summary, outDir);
    return 0;
  },
};
