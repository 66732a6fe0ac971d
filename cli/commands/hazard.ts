import { InputError } from "../../core/errors.ts";
import { HAZARD_OUTPUTS, hazardOptionsSchema } from "../../core/hazard/schema.ts";
import { type HazardSummary, runHazard } from "../../core/hazard/step.ts";
import type { Command } from "../command.ts";
import { MEMORY_LIMIT_HELP, verbOptions } from "../options.ts";
import { writeOutputsAtomically } from "../output.ts";

/** The matrix is a file-free table: flows set it in their params; the CLI keeps the documented one. */
const options = verbOptions(hazardOptionsSchema, {
  fields: { matrix: { hidden: true } },
  extra: { json: { type: "boolean" } },
});

const help = `Usage: quakeslide hazard --pf PF.tif --susceptibility SUSC.tif --out DIR
                         [--exposure PEOPLE.tif [--exposure-name population]]
                         [--pf-breaks 0.0157,0.15,0.323] [--susceptibility-breaks 0.25,0.5,0.75] [--json]

Earthquake-induced landslide hazard classes (1 low, 2 moderate, 3 high, 4 very high) from the
physics layer, the Newmark probability of failure P(f) of a scenario, and the data layer, the
random-forest susceptibility, through a class matrix (Fell et al. 2008; Corominas et al. 2014):

                         susceptibility  low  moderate  high  very high
  P(f) low       (D_N < 1 cm)              1      1        1       2
  P(f) moderate  (1-5 cm)                  2      2        2       3
  P(f) high      (5-15 cm)                 2      3        3       4
  P(f) very high (> 15 cm)                 3      3        4       4

The P(f) breaks are the P(f) of D_N = 1, 5 and 15 cm (Jibson & Michael 2009's hazard zones); the
susceptibility breaks split the model's score in quarters (0.5: its even-odds threshold). Writes
hazard_class.tif (COG, Float32, nodata NaN) and its PNG, hazard_classes.csv (cells, area in km2,
share, and the exposure summed per class) and summary.json to DIR. All rasters share one grid.

  --pf FILE                  Probability of failure (newmark-map's pf.tif). Required.
  --susceptibility FILE      Susceptibility in [0, 1] (susceptibility predict's susceptibility.tif). Required.
  --exposure FILE            People, buildings or value per cell, summed per class (optional).
  --exposure-name NAME       Column name for the exposure (default exposure).
  --pf-breaks A,B,C          P(f) class breaks (default 0.0157,0.15,0.323).
  --susceptibility-breaks A,B,C   Susceptibility class breaks (default 0.25,0.5,0.75).
  --out DIR                  Output folder (new, empty, or holding only these outputs). Required.
  --json                     Print only the JSON summary.
${MEMORY_LIMIT_HELP}

Example:
  quakeslide hazard --pf out/newmark/pf.tif --susceptibility out/susc/susceptibility.tif --out out/hazard`;

function printSummary(summary: HazardSummary, outDir: string): void {
  console.log(
    `hazard classes on ${summary.width} x ${summary.height} cells (${summary.classifiedCells} classified)`,
  );
  for (const row of summary.classes) {
    const exposure =
      row.exposure === undefined ? "" : `, ${summary.exposureName} ${Number(row.exposure.toPrecision(6))}`;
    console.log(
      `  ${row.hazardClass} ${row.name.padEnd(9)} ${row.areaKm2.toFixed(3).padStart(10)} km2 (${(100 * row.share).toFixed(1)} %)${exposure}`,
    );
  }
  console.log(`  outputs in ${outDir}`);
}

export const hazardCommand: Command = {
  name: "hazard",
  help,
  async run(args) {
    const values = options.read(args);
    if (values["exposure-name"] !== undefined && values.exposure === undefined)
      throw new InputError("--exposure-name needs --exposure");
    const o = options.toOptions(values);
    const summary = await writeOutputsAtomically(o.outDir, HAZARD_OUTPUTS, (tmp) =>
      runHazard({ ...o, outDir: tmp }),
    );
    if (values.json) console.log(JSON.stringify(summary, null, 2));
    else printSummary(summary, o.outDir);
    return 0;
  },
};
