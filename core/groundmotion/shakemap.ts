import { readFileSync } from "node:fs";
import { InputError } from "../errors.ts";
import { childrenNamed, parseXml, type XmlElement } from "./xml.ts";

/**
 * A USGS ShakeMap `grid.xml` (ShakeMap 3.5 and 4): a regular lon/lat grid, rows north to south
 * and west to east, one column per `<grid_field>`. Columns are found by name, not position (the
 * two versions order them differently), and the spacing comes from the box and nlon/nlat (the
 * nominal spacing attribute is rounded to 4 decimals).
 */
export interface ShakeMapGrid {
  eventId: string;
  /** `shakemap_version` of `<shakemap_grid>`: a newer version of the same event supersedes an older. */
  version: number;
  codeVersion: string;
  event: { magnitude: number; lon: number; lat: number; depthKm: number; time: string; description: string };
  lonMin: number;
  latMax: number;
  /** Node spacing in degrees. */
  dLon: number;
  dLat: number;
  nLon: number;
  nLat: number;
  /** PGA in g (converted from %g), row-major from the north-west node. */
  pgaG: Float32Array;
  /** PGV in cm/s. */
  pgvCmS: Float32Array;
}

/**
 * Units each field may declare. ShakeMap writes PGA/PSA in percent g and PGV in cm/s whatever
 * the attribute says, and some re-runs leave it blank; anything else is refused rather than guessed.
 */
const ACCEPTED_UNITS: Record<"PGA" | "PGV", string[]> = {
  PGA: ["", "%g", "pctg"],
  PGV: ["", "cm/s", "cms"],
};

export function readShakeMapFile(path: string): ShakeMapGrid {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InputError(`cannot read the ShakeMap grid: ${(error as Error).message}`, { file: path });
  }
  return parseShakeMap(text, path);
}

export function parseShakeMap(text: string, source: string): ShakeMapGrid {
  const fail = (problem: string): never => {
    throw new InputError(`${source}: ${problem}`, { file: source });
  };
  const root = parseXml(text, source);
  if (root.name !== "shakemap_grid") fail(`the root element is <${root.name}>, not <shakemap_grid>`);
  const one = (name: string): XmlElement =>
    childrenNamed(root, name)[0] ?? fail(`no <${name}> element (is this a ShakeMap grid.xml?)`);
  const event = one("event").attributes;
  const spec = one("grid_specification").attributes;
  const number = (attributes: Record<string, string>, name: string, element: string): number => {
    const value = Number(attributes[name]);
    if (attributes[name] === undefined || attributes[name].trim() === "" || !Number.isFinite(value))
      fail(`<${element}> attribute ${name}="${attributes[name] ?? ""}" is not a number`);
    return value;
  };
  const nLon = number(spec, "nlon", "grid_specification");
  const nLat = number(spec, "nlat", "grid_specification");
  if (!Number.isInteger(nLon) || !Number.isInteger(nLat) || nLon < 2 || nLat < 2)
    fail(`nlon=${nLon} and nlat=${nLat} must be whole numbers of at least 2`);
  const lonMin = number(spec, "lon_min", "grid_specification");
  const lonMax = number(spec, "lon_max", "grid_specification");
  const latMin = number(spec, "lat_min", "grid_specification");
  const latMax = number(spec, "lat_max", "grid_specification");
  if (!(lonMax > lonMin && latMax > latMin)) fail("the grid box is empty (max <= min)");

  const fields = childrenNamed(root, "grid_field").map((field) => ({
    index: number(field.attributes, "index", "grid_field"),
    name: (field.attributes.name ?? "").toUpperCase(),
    units: (field.attributes.units ?? "").trim(),
  }));
  const column = (name: "PGA" | "PGV") => {
    const field = fields.find((f) => f.name === name) ?? fail(`no ${name} column among the grid fields`);
    if (!ACCEPTED_UNITS[name].includes(field.units))
      fail(`${name} units "${field.units}" (expected ${ACCEPTED_UNITS[name].filter(Boolean).join(" or ")})`);
    return field.index - 1;
  };
  const pgaColumn = column("PGA");
  const pgvColumn = column("PGV");
  const width = fields.length;
  const values = one("grid_data").text.trim().split(/\s+/).map(Number);
  const rows = nLon * nLat;
  if (values.length !== rows * width)
    fail(`<grid_data> holds ${values.length} values; nlon x nlat x fields = ${nLon} x ${nLat} x ${width}`);
  const pgaG = new Float32Array(rows);
  const pgvCmS = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    const pga = values[row * width + pgaColumn];
    const pgv = values[row * width + pgvColumn];
    if (!(pga >= 0 && pgv >= 0)) fail(`grid row ${row + 1}: PGA ${pga} / PGV ${pgv} is not a number >= 0`);
    pgaG[row] = pga / 100;
    pgvCmS[row] = pgv;
  }
  const version = Number(root.attributes.shakemap_version ?? "1");
  return {
    eventId: root.attributes.event_id ?? event.event_id ?? "",
    version: Number.isInteger(version) && version >= 1 ? version : 1,
    codeVersion: root.attributes.code_version ?? "",
    event: {
      magnitude: number(event, "magnitude", "event"),
      lon: number(event, "lon", "event"),
      lat: number(event, "lat", "event"),
      depthKm: Number(event.depth ?? Number.NaN),
      time: event.event_timestamp ?? "",
      description: event.event_description ?? "",
    },
    lonMin,
    latMax,
    dLon: (lonMax - lonMin) / (nLon - 1),
    dLat: (latMax - latMin) / (nLat - 1),
    nLon,
    nLat,
    pgaG,
    pgvCmS,
  };
}

/**
 * Bilinear interpolation of a ShakeMap column at (lon, lat), between the four surrounding nodes;
 * NaN outside the box (no extrapolation: the ShakeMap says nothing there).
 */
export function sampleBilinear(grid: ShakeMapGrid, values: Float32Array, lon: number, lat: number): number {
  const x = (lon - grid.lonMin) / grid.dLon;
  const y = (grid.latMax - lat) / grid.dLat;
  // A node on the box edge may sit a rounding error outside it.
  const eps = 1e-9;
  if (!(x >= -eps && y >= -eps && x <= grid.nLon - 1 + eps && y <= grid.nLat - 1 + eps)) return Number.NaN;
  const col = Math.min(Math.max(Math.floor(x), 0), grid.nLon - 2);
  const row = Math.min(Math.max(Math.floor(y), 0), grid.nLat - 2);
  const fx = Math.min(Math.max(x - col, 0), 1);
  const fy = Math.min(Math.max(y - row, 0), 1);
  const at = row * grid.nLon + col;
  const top = values[at] * (1 - fx) + values[at + 1] * fx;
  const bottom = values[at + grid.nLon] * (1 - fx) + values[at + grid.nLon + 1] * fx;
  return top * (1 - fy) + bottom * fy;
}
