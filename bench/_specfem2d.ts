// Helper of bench/sem.ts (not a benchmark itself): runs a built SPECFEM2D on the benchmark case
// (Lamb's half-space, 4 km × 2 km, 160 × 80 elements, NGLL 5, dt 0.4 ms, Stacey left, right and
// bottom, vertical force at 500 m depth) and times its solver. SPECFEM2D_BIN names the folder
// with xmeshfem2D and xspecfem2D; the Par_file and SOURCE of that SPECFEM2D's own DATA/ folder
// (SPECFEM2D_DATA, default SPECFEM2D_BIN/../DATA) are the templates, with the case's values put
// in, so that the parameter names match the version that is installed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const NX = 160;
const NZ = 80;

/** Values by parameter name; the first alias present in the template is set (names differ by version). */
const parFile = (steps: number): [string[], string][] => [
  [["NPROC", "nproc"], "1"],
  [["NSTEP", "nt"], String(steps)],
  [["DT", "deltat"], "4.0d-4"],
  [["time_stepping_scheme"], "1"],
  [["ngnod", "NGNOD"], "4"],
  [["P_SV", "p_sv"], ".true."],
  [["GPU_MODE"], ".false."],
  [["MODEL"], "default"],
  [["ATTENUATION_VISCOELASTIC_SOLID", "ATTENUATION_VISCOELASTIC"], ".false."],
  [["NSOURCES"], "1"],
  [["seismotype"], "1"],
  [["NSTEP_BETWEEN_OUTPUT_SEISMOS"], "5000000"],
  [["save_ASCII_seismograms"], ".true."],
  [["save_binary_seismograms_single"], ".false."],
  [["save_binary_seismograms_double"], ".false."],
  [["use_existing_STATIONS"], ".false."],
  [["nreceiversets"], "1"],
  [["nrec"], "8"],
  [["xdeb"], "1200.d0"],
  [["zdeb"], "2000.d0"],
  [["xfin"], "3500.d0"],
  [["zfin"], "2000.d0"],
  [["record_at_surface_same_vertical", "enreg_surf_same_vertical"], ".true."],
  [["PML_BOUNDARY_CONDITIONS"], ".false."],
  [["STACEY_ABSORBING_CONDITIONS"], ".true."],
  [["read_external_mesh"], ".false."],
  [["interfacesfile"], "./interfaces_lamb.dat"],
  [["xmin"], "0.d0"],
  [["xmax"], "4000.d0"],
  [["nx"], String(NX)],
  [["absorbbottom"], ".true."],
  [["absorbright"], ".true."],
  [["absorbtop"], ".false."],
  [["absorbleft"], ".true."],
  [["NSTEP_BETWEEN_OUTPUT_INFO"], "1000"],
  [["NSTEP_BETWEEN_OUTPUT_IMAGES"], "10000000"],
  [["NSTEP_BETWEEN_OUTPUT_WAVE_DUMPS"], "10000000"],
  [["output_color_image"], ".false."],
  [["output_postscript_snapshot"], ".false."],
  [["output_wavefield_dumps"], ".false."],
  [["output_energy"], ".false."],
  [["output_grid_Gnuplot"], ".false."],
  [["output_grid_ASCII"], ".false."],
];

const SOURCE: [string[], string][] = [
  [["source_surf"], ".false."],
  [["xs"], "2000.d0"],
  [["zs"], "1500.d0"],
  [["source_type"], "1"],
  [["time_function_type"], "1"],
  [["f0"], "10.d0"],
  [["tshift"], "0.d0"],
  [["anglesource"], "0.d0"],
  [["factor"], "1.d10"],
];

const INTERFACES = `# Lamb benchmark: flat bottom and free surface (z up from the bottom)
2
2
0 0
4000 0
2
0 2000
4000 2000
${NZ}
`;

function setParameters(template: string, values: [string[], string][]): string {
  let text = template;
  for (const [aliases, value] of values) {
    const name = aliases.find((alias) => new RegExp(`^${alias}[ \\t]*=`, "m").test(text));
    if (name) text = text.replace(new RegExp(`^(${name}[ \\t]*=[ \\t]*)\\S+`, "m"), `$1${value}`);
  }
  return text;
}

/** Replaces the rows of numbers after `name = n` (and the comments among them) by `lines`. */
function setBlock(text: string, name: string, lines: string[]): string {
  const input = text.split("\n");
  const at = input.findIndex((line) => new RegExp(`^${name}[ \\t]*=`).test(line));
  if (at < 0) return text;
  let last = at;
  for (let k = at + 1; k < input.length; k++) {
    if (/^\s*-?\d/.test(input[k])) last = k;
    else if (!/^\s*#/.test(input[k])) break;
  }
  return [
    ...input.slice(0, at),
    input[at].replace(/=\s*\d+/, `= ${lines.length}`),
    ...lines,
    ...input.slice(last + 1),
  ].join("\n");
}

export function specfem2dUnavailable(): string | undefined {
  const bin = process.env.SPECFEM2D_BIN;
  if (!bin) return "SPECFEM2D_BIN is not set";
  for (const program of ["xmeshfem2D", "xspecfem2D"])
    if (!existsSync(join(bin, program))) return `${join(bin, program)} not found`;
  const data = process.env.SPECFEM2D_DATA ?? join(bin, "..", "DATA");
  for (const file of ["Par_file", "SOURCE"])
    if (!existsSync(join(data, file))) return `${join(data, file)} (template) not found; set SPECFEM2D_DATA`;
  return undefined;
}

/** Meshes and runs the case; returns the solver's wall time and its element-steps. */
export function runSpecfem2d(steps: number): { wall: number; elementSteps: number } {
  const bin = resolve(process.env.SPECFEM2D_BIN as string);
  const data = process.env.SPECFEM2D_DATA ?? join(bin, "..", "DATA");
  const folder = mkdtempSync(join(tmpdir(), "quakeslide-specfem2d-"));
  try {
    mkdirSync(join(folder, "DATA"));
    mkdirSync(join(folder, "OUTPUT_FILES"));
    let parameters = setParameters(readFileSync(join(data, "Par_file"), "utf8"), parFile(steps));
    parameters = setBlock(parameters, "nbmodels", ["1 1 2500.d0 3000.d0 1732.d0 0 0 9999 9999 0 0 0 0 0 0"]);
    parameters = setBlock(parameters, "nbregions", [`1 ${NX} 1 ${NZ} 1`]);
    writeFileSync(join(folder, "DATA", "Par_file"), parameters);
    writeFileSync(
      join(folder, "DATA", "SOURCE"),
      setParameters(readFileSync(join(data, "SOURCE"), "utf8"), SOURCE),
    );
    writeFileSync(join(folder, "DATA", "interfaces_lamb.dat"), INTERFACES);
    const run = (program: string) => {
      const started = performance.now();
      const result = spawnSync(join(bin, program), { cwd: folder, encoding: "utf8", maxBuffer: 1 << 28 });
      if (result.status !== 0)
        throw new Error(
          `${program} failed (${result.status}): ${(result.stdout + result.stderr).slice(-800)}`,
        );
      return (performance.now() - started) / 1000;
    };
    run("xmeshfem2D");
    return { wall: run("xspecfem2D"), elementSteps: NX * NZ * steps };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
