import { readScenario } from "../../core/sem/scenario.ts";
import { semOptionsSchema } from "../../core/sem/schema.ts";
import { runSem, semOutputNames } from "../../core/sem/step.ts";
import { defaultThreads } from "../../core/util/workers.ts";
import type { Command } from "../command.ts";
import { MEMORY_LIMIT_HELP, verbOptions } from "../options.ts";
import { writeOutputsAtomically } from "../output.ts";

// demBesideScenario confines a container's scenario to its staged files; on the command line the
// user names their own files.
const options = verbOptions(semOptionsSchema, {
  fields: { demBesideScenario: { hidden: true } },
  extra: { json: { type: "boolean" } },
});

const help = `Usage: quakeslide sem --model SCENARIO.json --out DIR [--threads N] [--precision P] [--ac LIST] [--json]

2D P-SV spectral-element simulation (SPECFEM2D's scheme: GLL points, diagonal mass, explicit
Newmark central differences, free surface on top, Stacey absorbing left/right/bottom) of the
ground motion along a profile: layered velocity model, topography (profile or DEM cut), point
force or moment-tensor source with a Ricker or Gaussian time function. See docs/sem.md for the
scenario format and every convention (units, signs, what "amplitude" means in 2D).

Options:
  --model FILE    Scenario JSON (docs/sem.md; examples/scenarios/). Required.
  --out DIR       Output folder, new or empty. Required. Writes:
                    seismograms.csv  t (s), then <receiver>_x, <receiver>_z per receiver (m, m/s
                                     or m/s2; x right, z up; "_<quantity>" suffix when the
                                     scenario asks for several quantities)
                    peaks.json       per receiver and component: PGA (m/s2, g), PGV (m/s), PGD (m),
                                     Arias intensity (m/s), D5-95 (s); Newmark D_N (cm) with --ac
                    surface_pga.png  surface PGA profile over the topography (with surface_receivers)
                    snapshot_<t>s.png  velocity magnitude |v| over the profile at time t (with
                                     output.snapshots.every_s)
  --threads N     Worker threads sharing the mesh (default: every core, here ${defaultThreads()}).
                  Seismograms are bit-identical for any N.
  --precision P   Arithmetic of the time loop: single (Float32, as SPECFEM2D; default, about
                  twice as fast) or double (Float64). On the Lamb benchmark both match the exact
                  solution to the same 1.9e-3 (docs/sem.md, "Speed").
  --ac LIST       Critical accelerations in g, comma-separated (e.g. 0.05,0.1): peaks.json then holds
                  the rigid-block Newmark displacement of every receiver's horizontal acceleration,
                  both polarities (as 'quakeslide newmark').
${MEMORY_LIMIT_HELP}
  --json          Print only the JSON summary on stdout (progress still goes to stderr).

Example:
  quakeslide sem --model examples/scenarios/hill-two-layers.json --out out/hill --ac 0.05,0.1`;

export const semCommand: Command = {
  name: "sem",
  help,
  async run(args) {
    const { options: parsed, flags } = options.parse(args);
    let lastReport = 0;
    const onProgress = (fraction: number, message?: string) => {
      const now = Date.now();
      if (message?.startsWith("warning:")) console.error(`quakeslide sem: ${message}`);
      else if (now - lastReport > 2000 || fraction >= 1) {
        lastReport = now;
        console.error(`quakeslide sem: ${(fraction * 100).toFixed(0)} % ${message ?? ""}`);
      }
    };
    const expectedNames = semOutputNames(readScenario(parsed.model));
    const summary = await writeOutputsAtomically(parsed.outDir, expectedNames, (tmpDir) =>
      runSem({ ...parsed, outDir: tmpDir }, { onProgress }),
    );
    if (flags.json) console.log(JSON.stringify(summary));
    else {
      console.log(
        `${summary.name}: ${summary.elements} elements (NGLL ${summary.ngll}), ${summary.nsteps} steps of ${summary.dt_s} s (Courant ${summary.courant.toFixed(3)}, limit dt ${summary.dt_limit_s.toPrecision(3)} s)`,
      );
      console.log(
        `${summary.wall_s.toFixed(1)} s on ${summary.threads} thread(s), ${summary.precision} precision: ${(summary.element_steps_per_s / 1e6).toFixed(2)} M element-steps/s`,
      );
      console.log(
        `${summary.receivers} receivers; wrote ${summary.outputs.map((name) => `${parsed.outDir}/${name}`).join(", ")}`,
      );
    }
    return 0;
  },
};
