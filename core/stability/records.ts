import { basename } from "node:path";
import { InputError } from "../errors.ts";
import { parseDecimal } from "../options.ts";
import { readTextFile } from "../util/text-file.ts";
import { G_CM_S2 } from "./newmark.ts";

export type AccelerationUnits = "g" | "m/s2" | "cm/s2";

export interface AccelerationRecord {
  name: string;
  dtS: number;
  accelerationG: Float64Array;
}

export interface RecordOptions {
  /** Time step (s); required for files that do not state it. */
  dtS?: number;
  /** Units of the values; default: what the file states, else g. */
  units?: string;
  /** Factor applied to every value after conversion to g (default 1). */
  scale?: number;
}

const UNIT_ALIASES: Record<string, AccelerationUnits> = {
  g: "g",
  "m/s2": "m/s2",
  "m/s^2": "m/s2",
  "m/s/s": "m/s2",
  "cm/s2": "cm/s2",
  "cm/s^2": "cm/s2",
  "cm/s/s": "cm/s2",
  gal: "cm/s2",
};

/**
 * The largest recorded ground accelerations are about 4 g (Iwate-Miyagi 2008): a record past this
 * is in the wrong units, scaled by mistake or corrupt, and squaring it would overflow Arias.
 */
const MAX_PLAUSIBLE_G = 100;

const TO_G: Record<AccelerationUnits, number> = { g: 1, "m/s2": 100 / G_CM_S2, "cm/s2": 1 / G_CM_S2 };

/** Normalises a units name (g, m/s2, cm/s2 and common spellings); InputError for anything else. */
export function parseUnits(text: string, file?: string): AccelerationUnits {
  const units = UNIT_ALIASES[text.trim().toLowerCase()];
  if (!units) throw new InputError(`unknown acceleration units "${text}" (use g, m/s2 or cm/s2)`, { file });
  return units;
}

/** What a file says about itself, before the options are applied. */
interface ParsedRecord {
  values: number[];
  dtS?: number;
  units?: AccelerationUnits;
  /** Declared number of samples (PEER NPTS, `# npts=`), checked against the values. */
  npts?: number;
}

/**
 * Reads an acceleration time series. Formats, detected from the content:
 * - PEER NGA `.AT2`: four header lines, the fourth with `NPTS=` and `DT=`; values in g;
 * - headered text: `#` lines with `dt_s=…`, `units=…` (and optionally `npts=…`), then values;
 * - CSV with a time column: `time,acceleration` rows (an optional header row), dt from the times;
 * - plain values, one or more per line: dt must come from `options.dtS`.
 */
export function readAccelerationRecord(path: string, options: RecordOptions = {}): AccelerationRecord {
  return parseAccelerationRecord(readTextFile(path, "an acceleration record"), path, options);
}

/** Parses the text of a record file; `file` names it in errors and gives the record its name. */
export function parseAccelerationRecord(
  text: string,
  file: string,
  options: RecordOptions = {},
): AccelerationRecord {
  const lines = text.split(/\r?\n/);
  const parsed = isPeer(lines)
    ? parsePeer(lines, file)
    : isCsv(lines)
      ? parseCsv(lines, file)
      : parseText(lines, file);
  if (parsed.values.length === 0) throw new InputError("the record holds no acceleration values", { file });
  if (parsed.npts !== undefined && parsed.npts !== parsed.values.length) {
    throw new InputError(`header says ${parsed.npts} samples but the file holds ${parsed.values.length}`, {
      file,
    });
  }
  const dtS = resolveDt(parsed.dtS, options.dtS, file);
  const optionUnits = options.units === undefined ? undefined : parseUnits(options.units, file);
  if (parsed.units && optionUnits && parsed.units !== optionUnits) {
    throw new InputError(`the file states units ${parsed.units} but --units says ${optionUnits}`, { file });
  }
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale) || scale === 0)
    throw new InputError(`scale factor must be a non-zero number, got ${scale}`, { file });
  const factor = TO_G[parsed.units ?? optionUnits ?? "g"] * scale;
  const accelerationG = Float64Array.from(parsed.values, (value) => value * factor);
  const implausible = accelerationG.findIndex((value) => Math.abs(value) > MAX_PLAUSIBLE_G);
  if (implausible >= 0)
    throw new InputError(
      `sample ${implausible + 1} is ${accelerationG[implausible].toPrecision(4)} g after conversion to g; no ground motion passes ${MAX_PLAUSIBLE_G} g: check the units (--units) and --scale`,
      { file },
    );
  return { name: basename(file), dtS, accelerationG };
}

function resolveDt(fromFile: number | undefined, fromOption: number | undefined, file: string): number {
  if (
    fromFile !== undefined &&
    fromOption !== undefined &&
    Math.abs(fromFile - fromOption) > 1e-9 * fromFile
  ) {
    throw new InputError(`the file states dt = ${fromFile} s but --dt says ${fromOption} s`, { file });
  }
  const dtS = fromFile ?? fromOption;
  if (dtS === undefined)
    throw new InputError("the file does not state its time step: give --dt (s)", { file });
  if (!Number.isFinite(dtS) || dtS <= 0)
    throw new InputError(`time step must be positive, got ${dtS} s`, { file });
  return dtS;
}

function parseNumber(token: string, file: string, lineIndex: number): number {
  const value = parseDecimal(token);
  if (value === undefined) {
    const shown = JSON.stringify(token.length > 40 ? `${token.slice(0, 40)}...` : token);
    throw new InputError(`line ${lineIndex + 1}: ${shown} is not a decimal number`, { file });
  }
  return value;
}

function pushValues(line: string, lineIndex: number, file: string, values: number[]): void {
  for (const token of line.trim().split(/[\s,;]+/)) {
    if (token !== "") values.push(parseNumber(token, file, lineIndex));
  }
}

function isPeer(lines: string[]): boolean {
  return lines.length > 4 && /NPTS\s*=/i.test(lines[3]) && /DT\s*=/i.test(lines[3]);
}

function parsePeer(lines: string[], file: string): ParsedRecord {
  const npts = /NPTS\s*=\s*(\d+)/i.exec(lines[3]);
  const dt = /DT\s*=\s*([-+0-9.eE]+)/i.exec(lines[3]);
  if (!npts || !dt) throw new InputError("line 4: PEER header without NPTS= and DT=", { file });
  const units = /UNITS OF\s+(\S+)/i.exec(lines[2]);
  const values: number[] = [];
  for (let i = 4; i < lines.length; i++) pushValues(lines[i], i, file, values);
  return {
    values,
    npts: Number(npts[1]),
    dtS: parseNumber(dt[1], file, 3),
    units: units ? parseUnits(units[1], file) : "g",
  };
}

function firstDataLine(lines: string[]): number {
  return lines.findIndex((line) => line.trim() !== "" && !line.trimStart().startsWith("#"));
}

function isCsv(lines: string[]): boolean {
  const first = firstDataLine(lines);
  return first >= 0 && lines[first].includes(",");
}

function parseCsv(lines: string[], file: string): ParsedRecord {
  const header = parseHeaderComments(lines, file);
  let first = firstDataLine(lines);
  // A header row (column names) is recognised by a first cell that is not a number.
  if (parseDecimal(lines[first].split(",")[0].trim()) === undefined) first++;
  const times: number[] = [];
  const values: number[] = [];
  for (let i = first; i < lines.length; i++) {
    if (lines[i].trim() === "" || lines[i].trimStart().startsWith("#")) continue;
    const cells = lines[i].split(",");
    if (cells.length < 2) throw new InputError(`line ${i + 1}: expected time,acceleration`, { file });
    const time = parseNumber(cells[0].trim(), file, i);
    if (times.length >= 2) {
      const step = times[1] - times[0];
      const expected = times[0] + times.length * step;
      if (Math.abs(time - expected) > 0.01 * step) {
        throw new InputError(`line ${i + 1}: time ${time} s breaks the uniform step of ${step} s`, { file });
      }
    }
    times.push(time);
    values.push(parseNumber(cells[1].trim(), file, i));
  }
  const dtS = times.length >= 2 ? (times[times.length - 1] - times[0]) / (times.length - 1) : header.dtS;
  return { ...header, values, dtS };
}

function parseHeaderComments(lines: string[], file: string): Omit<ParsedRecord, "values"> {
  const header: Omit<ParsedRecord, "values"> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line.startsWith("#")) continue;
    for (const match of line.matchAll(/(\w+)\s*=\s*([^\s,;]+)/g)) {
      const key = match[1].toLowerCase();
      if (key === "dt_s" || key === "dt") header.dtS = parseNumber(match[2], file, i);
      else if (key === "units") header.units = parseUnits(match[2], file);
      else if (key === "npts") header.npts = parseNumber(match[2], file, i);
    }
  }
  return header;
}

function parseText(lines: string[], file: string): ParsedRecord {
  const header = parseHeaderComments(lines, file);
  const values: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trimStart().startsWith("#")) continue;
    pushValues(lines[i], i, file, values);
  }
  return { ...header, values };
}
