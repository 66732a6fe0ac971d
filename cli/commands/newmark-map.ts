import { NEWMARK_MAP_OUTPUTS, newmarkMapOptionsSchema } from "../../core/stability/schema.ts";
import { type NewmarkMapSummary, runNewmarkMap } from "../../core/stability/step.ts";
import type { Command } from "../command.ts";
import { MEMORY_LIMIT_HELP, verbOptions } from "../options.ts";
import { writeOutputsAtomically } from "../output.ts";

const options = verbOptions(newmarkMapOptionsSchema, { extra: { json: { type: "boolean" } } });

const help = `Usage: quakeslide newmark-map --ac AC.tif --out DIR --record FILE [--dt S] [--units U] [--scale K]
                               [--polarity normal|inverse|mean|max]
       quakeslide newmark-map --ac AC.tif --out DIR --pga PGA.tif --model MODEL
                               [--pgv PGV.tif] [--arias IA.tif] [--magnitude M]

Newmark displacement D_N (cm) for every cell of a critical-acceleration raster and the probability
of failure P(f) = 0.335 [1 - exp(-0.048 D_N^1.565)] (Jibson, Harp & Michael 2000). Writes dn_cm.tif
and pf.tif (Cloud Optimized GeoTIFFs, Float32, nodata NaN), a PNG preview of each and summary.json
(cells and area with D_N above the threshold, mean P(f), max D_N) to DIR (new, empty, or holding
only these files). All rasters must share the a_c grid; nodata in any input is nodata in the outputs.

Record mode (exact rigid block, SLAMMER's rigorous scheme, as 'quakeslide newmark'): D_N depends on
a cell only through a_c, so the record is integrated exactly at a set of a_c nodes refined until
linear interpolation between them is within 0.02 % of the exact value (0.1 % guaranteed by test).
  --record FILE   Acceleration record (.AT2, headered text, CSV with time column, plain values).
  --dt S          Time step in s, for files that do not state it.
  --units U       g, m/s2 or cm/s2 (default: as the file states, else g).
  --scale K       Factor applied to the record after conversion to g (default ${options.defaultOf("scale")}).
  --polarity P    normal (as recorded), inverse (x -1), mean of both or max of both
                  (default ${options.defaultOf("polarity")}).

Regression mode (median D_N; cells with a_c/PGA < 0.05, e.g. a_c = 0 on unstable cells, are
evaluated at 0.05 as OpenQuake does; a_c >= PGA gives 0):
  --pga FILE      PGA raster in g. Required in this mode.
  --model MODEL   jibson2007 (eq 6: a_c/PGA), jibson2007-m (eq 7: + magnitude),
                  jibson2007-arias (eq 10: + Arias), saygili-rathje2008 (PGA + PGV),
                  bray-travasarou2007 (rigid slope, Sa = PGA, + magnitude).
  --pgv FILE      PGV raster in cm/s (saygili-rathje2008).
  --arias FILE    Arias intensity raster in m/s (jibson2007-arias).
  --magnitude M   Moment magnitude (jibson2007-m, bray-travasarou2007).

Common:
  --ac FILE       Critical acceleration raster in g, >= 0 (e.g. stability's ac.tif). Required.
  --out DIR       Output folder. Required.
  --threshold CM  Displacement threshold for the summary's area (default ${options.defaultOf("threshold")} cm).
${MEMORY_LIMIT_HELP}
  --json          Print only the JSON summary on stdout.

Examples:
  quakeslide newmark-map --ac out/stability/ac.tif --record RSN763_LOMAP_GIL067.AT2 --out out/dn
  quakeslide newmark-map --ac out/stability/ac.tif --pga pga.tif --model jibson2007 --out out/dn-j07`;

function printSummary(summary: NewmarkMapSummary, outDir: string): void {
  const source = summary.record
    ? `record ${summary.record.name} (${summary.record.polarity} polarity, ${summary.record.tableNodes} exact a_c nodes)`
    : `model ${summary.model}`;
  console.log(
    `newmark-map from ${source}: ${summary.width} x ${summary.height} cells, ${summary.nodataCells} nodata`,
  );
  console.log(
    `  D_N > ${summary.thresholdCm} cm: ${summary.cellsAboveThreshold} cells, ${(summary.areaAboveThresholdM2 / 1e6).toFixed(4)} km2`,
  );
  console.log(
    `  max D_N ${summary.maxDnCm?.toFixed(3) ?? "-"} cm, mean P(f) ${summary.meanPf?.toFixed(4) ?? "-"}. Outputs in ${outDir}`,
  );
}

export const newmarkMapCommand: Command = {
  name: "newmark-map",
  help,
  async run(args) {
    const { options: parsed, flags } = options.parse(args);
    const summary = await writeOutputsAtomically(parsed.outDir, NEWMARK_MAP_OUTPUTS, (tmpDir) =>
      runNewmarkMap({ ...parsed, outDir: tmpDir }),
    );
    if (flags.json) console.log(JSON.stringify(summary, null, 2));
    else printSummary(summary, parsed.outDir);
    return 0;
  },
};
