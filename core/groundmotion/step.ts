import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { InputError, NotFoundError } from "../errors.ts";
import { cellBytes, checkMemory } from "../limits.ts";
import { parseOptionsWith } from "../options.ts";
import { type Grid, readRasterInfo } from "../raster/index.ts";
import { readBand, writeBandOutputs, writeSummary } from "../stability/raster-io.ts";
import { BSSA14_LIMITS, bssa14Into, checkBssa14Inputs } from "./bssa14.ts";
import { joynerBooreKm } from "./distance.ts";
import { eventSchema, type QuakeEvent } from "./event.ts";
import { cellCentresLonLat, projectionFor } from "./projection.ts";
import { type GroundMotionOptions, groundMotionOptionsSchema } from "./schema.ts";
import { readShakeMapFile, sampleBilinear } from "./shakemap.ts";

type Range = { min: number; mean: number; max: number } | null;

export interface GroundMotionSummary {
  mode: "gmpe" | "shakemap";
  model: string;
  event: { id: string; version: number; magnitude: number; mechanism?: string; lon: number; lat: number };
  width: number;
  height: number;
  /** Cells with a value (outside a ShakeMap's box there is none). */
  validCells: number;
  pgaG: Range;
  pgvCmS: Range;
  /** GMPE mode: the distances and the sigma range over the area. */
  rjbKm?: Range;
  sigmaLnPga?: Range;
  vs30?: number | string;
  z1Km?: number;
  shakemap?: { eventId: string; version: number; codeVersion: string; spacingDeg: [number, number] };
  outputs: string[];
}

/** PGA (g) and PGV (cm/s) maps on the area grid: pga.tif, pgv.tif (COG + PNG each), summary.json. */
export async function runGroundMotion(options: GroundMotionOptions): Promise<GroundMotionSummary> {
  const o = parseOptionsWith(groundMotionOptionsSchema, options, "ground-motion options");
  const info = await readRasterInfo(o.grid);
  const grid: Grid = { width: info.width, height: info.height, transform: info.transform, crs: info.crs };
  // Cell centres in lon/lat and Rjb (Float64), PGA, PGV, sigma and a Vs30 raster (Float32), and
  // the COG writer's working copy.
  checkMemory(
    cellBytes(grid.width, grid.height, 56),
    o.memoryLimitGb,
    `ground motion on ${grid.width} x ${grid.height} cells`,
    o.grid,
  );
  const { lon, lat } = cellCentresLonLat(grid, projectionFor(grid.crs, o.grid));
  const event = o.event === undefined ? undefined : loadEvent(o.event);
  const maps = o.shakemap
    ? fromShakeMap(o.shakemap, lon, lat)
    : await fromGmpe(event as QuakeEvent, lon, lat, o.vs30, o.grid, grid);
  mkdirSync(o.outDir, { recursive: true });
  await writeBandOutputs(o.outDir, "pga", grid, maps.pga, {
    ramp: "magma",
    title: `Peak ground acceleration (${maps.mode === "gmpe" ? "BSSA14 median" : "ShakeMap"})`,
    units: "g",
    min: 0,
  });
  await writeBandOutputs(o.outDir, "pgv", grid, maps.pgv, {
    ramp: "magma",
    title: `Peak ground velocity (${maps.mode === "gmpe" ? "BSSA14 median" : "ShakeMap"})`,
    units: "cm/s",
    min: 0,
  });
  const summary: GroundMotionSummary = {
    mode: maps.mode,
    model: maps.mode === "gmpe" ? o.model : "shakemap",
    event: event
      ? {
          id: event.id,
          version: event.version,
          magnitude: event.magnitude,
          mechanism: event.mechanism,
          lon: event.hypocentre.lon,
          lat: event.hypocentre.lat,
        }
      : (maps.event as GroundMotionSummary["event"]),
    width: grid.width,
    height: grid.height,
    validCells: countValid(maps.pga),
    pgaG: range(maps.pga),
    pgvCmS: range(maps.pgv),
    ...maps.extra,
    ...(o.z1Km === undefined ? {} : { z1Km: o.z1Km }),
    outputs: ["pga.tif", "pga.png", "pgv.tif", "pgv.png", "summary.json"],
  };
  writeSummary(o.outDir, summary);
  return summary;
}

/** An event object, or an event.json file validated with the same schema. */
export function loadEvent(event: QuakeEvent | string): QuakeEvent {
  if (typeof event !== "string") return event;
  if (!existsSync(event)) throw new NotFoundError("event file not found", { file: event });
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(event, "utf8"));
  } catch (error) {
    throw new InputError(`not a readable JSON event file: ${(error as Error).message.split("\n")[0]}`, {
      file: event,
    });
  }
  try {
    return parseOptionsWith(eventSchema, value, "event");
  } catch (error) {
    throw new InputError((error as Error).message, { file: event });
  }
}

function fromShakeMap(path: string, lon: Float64Array, lat: Float64Array) {
  const shakemap = readShakeMapFile(path);
  const pga = new Float32Array(lon.length);
  const pgv = new Float32Array(lon.length);
  let covered = 0;
  for (let i = 0; i < lon.length; i++) {
    pga[i] = sampleBilinear(shakemap, shakemap.pgaG, lon[i], lat[i]);
    pgv[i] = sampleBilinear(shakemap, shakemap.pgvCmS, lon[i], lat[i]);
    if (!Number.isNaN(pga[i])) covered++;
  }
  if (covered === 0) {
    throw new InputError(
      `the ShakeMap box (lon ${shakemap.lonMin.toFixed(3)} to ${(shakemap.lonMin + (shakemap.nLon - 1) * shakemap.dLon).toFixed(3)}, ` +
        `lat ${(shakemap.latMax - (shakemap.nLat - 1) * shakemap.dLat).toFixed(3)} to ${shakemap.latMax.toFixed(3)}) does not cover the area grid`,
      { file: path },
    );
  }
  const { event } = shakemap;
  return {
    pga,
    pgv,
    mode: "shakemap" as const,
    event: { id: shakemap.eventId, version: shakemap.version, ...pick(event, "magnitude", "lon", "lat") },
    extra: {
      shakemap: {
        eventId: shakemap.eventId,
        version: shakemap.version,
        codeVersion: shakemap.codeVersion,
        spacingDeg: [shakemap.dLon, shakemap.dLat] as [number, number],
      },
    },
  };
}

async function fromGmpe(
  event: QuakeEvent,
  lon: Float64Array,
  lat: Float64Array,
  vs30Option: number | string,
  gridFile: string,
  grid: Grid,
) {
  const rjb = joynerBooreKm(
    lon,
    lat,
    event.rupture ? { ring: event.rupture } : { lon: event.hypocentre.lon, lat: event.hypocentre.lat },
  );
  const vs30 =
    typeof vs30Option === "number"
      ? undefined
      : (await readBand(vs30Option, { grid, values: new Float32Array(0), file: gridFile })).values;
  const pga = new Float32Array(lon.length);
  const pgv = new Float32Array(lon.length);
  const sigma = new Float32Array(lon.length);
  const motion = new Float64Array(4);
  const bssaEvent = { magnitude: event.magnitude, mechanism: event.mechanism };
  checkBssa14Inputs(event.magnitude, 0, typeof vs30Option === "number" ? vs30Option : 760, "event: ");
  for (let i = 0; i < lon.length; i++) {
    const siteVs30 = vs30 ? vs30[i] : (vs30Option as number);
    if (Number.isNaN(siteVs30)) {
      pga[i] = pgv[i] = sigma[i] = Number.NaN;
      continue;
    }
    if (
      rjb[i] > BSSA14_LIMITS.rjbKm[1] ||
      siteVs30 < BSSA14_LIMITS.vs30[0] ||
      siteVs30 > BSSA14_LIMITS.vs30[1]
    ) {
      const where = `cell (col ${i % grid.width}, row ${Math.floor(i / grid.width)}): `;
      checkBssa14Inputs(event.magnitude, rjb[i], siteVs30, where);
    }
    bssa14Into(bssaEvent, rjb[i], siteVs30, motion);
    pga[i] = motion[0];
    pgv[i] = motion[1];
    sigma[i] = motion[2];
  }
  return {
    pga,
    pgv,
    mode: "gmpe" as const,
    event: undefined,
    extra: { rjbKm: range(Float32Array.from(rjb)), sigmaLnPga: range(sigma), vs30: vs30Option },
  };
}

function pick<T extends object, K extends keyof T>(value: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, value[key]])) as Pick<T, K>;
}

function countValid(values: Float32Array): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) count++;
  return count;
}

function range(values: Float32Array): Range {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    count++;
  }
  return count === 0 ? null : { min, mean: sum / count, max };
}
