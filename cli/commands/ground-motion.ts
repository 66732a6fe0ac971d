import { z } from "zod";
import { InputError } from "../../core/errors.ts";
import { BSSA14_LIMITS, bssa14, MECHANISMS } from "../../core/groundmotion/bssa14.ts";
import { GROUND_MOTION_OUTPUTS, groundMotionOptionsSchema } from "../../core/groundmotion/schema.ts";
import { type GroundMotionSummary, runGroundMotion } from "../../core/groundmotion/step.ts";
import { type Command, commandWithSubVerbs, type SubVerb } from "../command.ts";
import { MEMORY_LIMIT_HELP, verbOptions } from "../options.ts";
import { writeOutputsAtomically } from "../output.ts";

const [M_LOW, M_HIGH] = BSSA14_LIMITS.magnitude;
const [R_LOW, R_HIGH] = BSSA14_LIMITS.rjbKm;
const [V_LOW, V_HIGH] = BSSA14_LIMITS.vs30;

/** Point mode: one event, a list of distances (the model's limits are the schema's bounds). */
const gmpeOptionsSchema = z.object({
  model: z.enum(["bssa14"]),
  mw: z.number().min(M_LOW).max(M_HIGH),
  rjb: z.array(z.number().min(R_LOW).max(R_HIGH)).min(1),
  vs30: z.number().min(V_LOW).max(V_HIGH).default(760),
  mechanism: z.enum(MECHANISMS).default("U"),
  z1: z.number().min(0).max(10).optional(),
});
const gmpeOptions = verbOptions(gmpeOptionsSchema, { extra: { json: { type: "boolean" } } });
const mapOptions = verbOptions(groundMotionOptionsSchema, {
  fields: { z1Km: { option: "z1" }, model: { hidden: true } },
  extra: { json: { type: "boolean" } },
});

const gmpeHelp = `Usage: quakeslide ground-motion gmpe --model bssa14 --mw M --rjb KM[,KM...] [--vs30 M_S]
                                    [--mechanism SS|NS|RS|U] [--z1 KM] [--json]

Median PGA and PGV of one earthquake at a list of distances, with their total standard deviations,
from the ground-motion model of Boore, Stewart, Seyhan & Atkinson (2014, NGA-West2), global region,
RotD50 horizontal component. Checked against OpenQuake's tables for BooreEtAl2014.

  --model bssa14   The ground-motion model (the only one so far).
  --mw M           Moment magnitude (3 to 8.5).
  --rjb KM,...     Joyner-Boore distances in km (0 to 400): distance to the surface projection of the
                   rupture (for a small event, the epicentral distance).
  --vs30 M_S       Time-averaged shear-wave velocity of the top 30 m, m/s (150 to 1500; default 760,
                   the B/C boundary "rock").
  --mechanism X    SS strike-slip, NS normal, RS reverse, U unspecified (default U).
  --z1 KM          Depth to Vs = 1 km/s, km. Accepted and echoed: BSSA14's basin term applies only
                   at periods of 0.65 s and longer, so it does not change PGA or PGV.
  --json           Print the rows as JSON on stdout.

Prints per distance: rjb_km, pga_g (g), pgv_cm_s (cm/s), sigma_ln_pga, sigma_ln_pgv (natural log).
The 84th percentile is median x exp(sigma).

Example:
  quakeslide ground-motion gmpe --model bssa14 --mw 6.5 --rjb 1,10,50 --vs30 760 --mechanism SS --json`;

const mapHelp = `Usage: quakeslide ground-motion map --grid AREA.tif --event EVENT.json [--vs30 M_S|VS30.tif] --out DIR
       quakeslide ground-motion map --grid AREA.tif --shakemap grid.xml [--event EVENT.json] --out DIR

PGA (g) and PGV (cm/s) maps on the cells of an area grid (any GeoTIFF of the area, e.g. the DEM; its
CRS must be WGS 84 lon/lat or a UTM zone). Writes pga.tif and pgv.tif (Cloud Optimized GeoTIFFs,
Float32, nodata NaN), a PNG preview of each and summary.json to DIR.

GMPE mode (--event): BSSA14 medians from the event's magnitude, mechanism and hypocentre. Rjb is the
epicentral distance, or the distance to the event's "rupture" polygon when it has one (see
examples/events/ and docs/ground-motion.md for the event format).
ShakeMap mode (--shakemap): a USGS ShakeMap grid.xml (ShakeMap 3.5 or 4; PGA in %g, PGV in cm/s)
interpolated bilinearly from its lon/lat nodes to every cell centre; cells outside its box are nodata.

  --grid FILE      Area grid (GeoTIFF). Required.
  --event FILE     Event JSON (required in GMPE mode).
  --shakemap FILE  ShakeMap grid.xml.
  --vs30 X         Vs30 in m/s (default 760) or a Vs30 raster on the area grid.
  --z1 KM          Depth to Vs = 1 km/s (recorded; no effect on BSSA14's PGA and PGV).
  --out DIR        Output folder (new, empty, or holding only these outputs). Required.
  --json           Print only the JSON summary.
${MEMORY_LIMIT_HELP}

Example:
  quakeslide ground-motion map --grid data/ecuador/dem.tif --event examples/events/ecuador-m65-scenario/event.json --out out/gm`;

const overview = `quakeslide ground-motion — PGA and PGV from a ground-motion model or a USGS ShakeMap

Usage: quakeslide ground-motion <gmpe|map> [options]

  gmpe   median PGA, PGV and sigma of one event at a list of distances (BSSA14)
  map    PGA and PGV rasters on an area grid, from an event (BSSA14) or a ShakeMap grid.xml

Documentation: docs/ground-motion.md`;

async function runGmpe(args: string[]): Promise<number> {
  const { options: o, flags } = gmpeOptions.parse(args);
  const rows = o.rjb.map((rjb) => {
    const motion = bssa14({ magnitude: o.mw, mechanism: o.mechanism }, rjb, o.vs30);
    return {
      rjb_km: rjb,
      pga_g: motion.pgaG,
      pgv_cm_s: motion.pgvCmS,
      sigma_ln_pga: motion.sigmaLnPga,
      sigma_ln_pgv: motion.sigmaLnPgv,
    };
  });
  if (flags.json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  const z1 = o.z1 === undefined ? "" : `, z1 ${o.z1} km (no effect on PGA/PGV)`;
  console.log(`BSSA14, Mw ${o.mw}, ${o.mechanism}, Vs30 ${o.vs30} m/s${z1}`);
  console.log("  Rjb km     PGA g   PGV cm/s  sigma lnPGA  sigma lnPGV");
  for (const r of rows) {
    console.log(
      `${r.rjb_km.toFixed(1).padStart(8)} ${r.pga_g.toPrecision(4).padStart(9)} ${r.pgv_cm_s.toPrecision(4).padStart(10)}` +
        ` ${r.sigma_ln_pga.toFixed(4).padStart(12)} ${r.sigma_ln_pgv.toFixed(4).padStart(12)}`,
    );
  }
  return 0;
}

async function runMap(args: string[]): Promise<number> {
  const { options: o, flags } = mapOptions.parse(args);
  if (o.event === undefined && o.shakemap === undefined)
    throw new InputError("give --event (BSSA14) or --shakemap (see --help)");
  const summary = await writeOutputsAtomically(o.outDir, GROUND_MOTION_OUTPUTS, (tmp) =>
    runGroundMotion({ ...o, outDir: tmp }),
  );
  if (flags.json) console.log(JSON.stringify(summary, null, 2));
  else printMapSummary(summary, o.outDir);
  return 0;
}

function printMapSummary(summary: GroundMotionSummary, outDir: string): void {
  const source = summary.mode === "gmpe" ? `BSSA14, Mw ${summary.event.magnitude}` : "ShakeMap";
  console.log(
    `ground motion (${source}) on ${summary.width} x ${summary.height} cells, ${summary.validCells} with values`,
  );
  if (summary.pgaG)
    console.log(
      `  PGA ${summary.pgaG.min.toFixed(3)}-${summary.pgaG.max.toFixed(3)} g (mean ${summary.pgaG.mean.toFixed(3)})`,
    );
  if (summary.pgvCmS)
    console.log(
      `  PGV ${summary.pgvCmS.min.toFixed(1)}-${summary.pgvCmS.max.toFixed(1)} cm/s (mean ${summary.pgvCmS.mean.toFixed(1)})`,
    );
  if (summary.rjbKm) console.log(`  Rjb ${summary.rjbKm.min.toFixed(1)}-${summary.rjbKm.max.toFixed(1)} km`);
  console.log(`  outputs in ${outDir}`);
}

const subVerbs: Record<string, SubVerb> = {
  gmpe: { help: gmpeHelp, run: runGmpe },
  map: { help: mapHelp, run: runMap },
};

export const groundMotionCommand: Command = commandWithSubVerbs("ground-motion", overview, subVerbs);
