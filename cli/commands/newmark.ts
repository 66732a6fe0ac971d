import { intensityMeasures } from "../../core/stability/intensity.ts";
import { newmarkBothPolarities } from "../../core/stability/newmark.ts";
import { readAccelerationRecord } from "../../core/stability/records.ts";
import { newmarkOptionsSchema } from "../../core/stability/schema.ts";
import type { Command } from "../command.ts";
import { verbOptions } from "../options.ts";

const options = verbOptions(newmarkOptionsSchema, { extra: { json: { type: "boolean" } } });

const help = `Usage: quakeslide newmark --record FILE --ac LIST [--dt S] [--units U] [--scale K] [--json]

Rigid-block Newmark displacement of one acceleration record for each critical acceleration in
LIST, both polarities (normal = as recorded, inverse = record x -1), downslope sliding only, with
SLAMMER's rigorous scheme (Jibson, Rathje, Jibson & Lee 2013): trapezoidal integration of the
relative acceleration and velocity, the block stops when its relative velocity reaches zero.
Also prints the record's PGA, PGV, Arias intensity and 5-95 % significant duration.

Options:
  --record FILE   Acceleration record: PEER NGA .AT2; text with '# dt_s=...' / '# units=...'
                  header lines; CSV with a time column (time,acceleration); or plain values
                  (one or more per line, then --dt is required). Required.
  --ac LIST       Critical accelerations in g, comma-separated, each >= 0. Required.
  --dt S          Time step in s, for files that do not state it.
  --units U       Units of the values: g, m/s2 or cm/s2 (default: as the file states, else g).
  --scale K       Factor applied to every value after conversion to g (default ${options.defaultOf("scale")};
                  -1 inverts the record).
  --json          Print only JSON on stdout:
                  {"record", "dt_s", "npts", "pga_g", "pgv_cm_s", "arias_m_s", "d5_95_s",
                   "results": [{"ac_g", "normal_cm", "inverse_cm"}]}

Example:
  quakeslide newmark --record RSN763_LOMAP_GIL067.AT2 --ac 0.02,0.05,0.1 --json
  quakeslide newmark --record PET-090 --dt 0.02 --ac 0.1`;

export const newmarkCommand: Command = {
  name: "newmark",
  help,
  async run(args) {
    const { options: parsed, flags } = options.parse(args);
    const record = readAccelerationRecord(parsed.record, {
      dtS: parsed.dt,
      units: parsed.units,
      scale: parsed.scale,
    });
    const measures = intensityMeasures(record.accelerationG, record.dtS);
    const results = parsed.ac.map((acG) => {
      const { normalCm, inverseCm } = newmarkBothPolarities(record.accelerationG, record.dtS, acG);
      return { ac_g: acG, normal_cm: normalCm, inverse_cm: inverseCm };
    });
    const output = {
      record: record.name,
      dt_s: record.dtS,
      npts: record.accelerationG.length,
      pga_g: measures.pgaG,
      pgv_cm_s: measures.pgvCmS,
      arias_m_s: measures.ariasMS,
      d5_95_s: measures.d5_95S,
      results,
    };
    if (flags.json) {
      console.log(JSON.stringify(output));
      return 0;
    }
    console.log(`${record.name}: ${output.npts} samples, dt ${record.dtS} s`);
    console.log(
      `  PGA ${measures.pgaG.toFixed(4)} g, PGV ${measures.pgvCmS.toFixed(2)} cm/s, Arias ${measures.ariasMS.toFixed(4)} m/s, D5-95 ${measures.d5_95S.toFixed(2)} s`,
    );
    console.log("  a_c (g)    normal (cm)   inverse (cm)");
    for (const r of results) {
      console.log(
        `  ${r.ac_g.toFixed(4).padStart(7)}  ${r.normal_cm.toFixed(4).padStart(12)}  ${r.inverse_cm.toFixed(4).padStart(13)}`,
      );
    }
    return 0;
  },
};
