import { InputError } from "../errors.ts";
import { parseDecimal } from "../options.ts";
import { readTextFile } from "../util/text-file.ts";

/** A numeric table read from a CSV file: the named columns, as Float64Arrays. */
export interface NumericTable {
  file: string;
  rows: number;
  columns: Record<string, Float64Array>;
  /** 1-based file line of each row, for messages. */
  lines: Int32Array;
}

function splitCsvLine(line: string, separator: string): string[] {
  return line.split(separator).map((cell) => cell.trim().replace(/^"(.*)"$/, "$1"));
}

/**
 * Reads the named numeric columns of a CSV file (comma, semicolon or tab separated, header on the
 * first line, blank lines skipped). Missing columns, empty or non-numeric cells are InputErrors
 * naming the file, line and column.
 */
export function readNumericCsv(file: string, wanted: string[]): NumericTable {
  const text = readTextFile(file, "a CSV table");
  const allLines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (allLines[0].trim() === "")
    throw new InputError("is empty: a CSV with a header line is expected", { file });
  const headerLine = allLines[0] ?? "";
  const separator = [",", ";", "\t"].find((s) => headerLine.includes(s)) ?? ",";
  const header = splitCsvLine(headerLine, separator);
  const positions = wanted.map((name) => {
    const position = header.indexOf(name);
    if (position < 0)
      throw new InputError(`no column "${name}" in the header (columns: ${header.join(", ")})`, { file });
    return position;
  });
  const dataLines: number[] = [];
  for (let i = 1; i < allLines.length; i++) if (allLines[i].trim() !== "") dataLines.push(i);
  const columns: Record<string, Float64Array> = {};
  for (const name of wanted) columns[name] = new Float64Array(dataLines.length);
  const lines = new Int32Array(dataLines.length);
  dataLines.forEach((lineIndex, row) => {
    const cells = splitCsvLine(allLines[lineIndex], separator);
    lines[row] = lineIndex + 1;
    wanted.forEach((name, k) => {
      const cell = cells[positions[k]];
      const value = cell === undefined ? undefined : parseDecimal(cell);
      if (value === undefined) {
        throw new InputError(`line ${lineIndex + 1}, column "${name}": "${cell ?? ""}" is not a number`, {
          file,
        });
      }
      columns[name][row] = value;
    });
  });
  return { file, rows: dataLines.length, columns, lines };
}

/** Samples ready for kriging: coordinates, values and optional covariate columns. */
export interface Samples {
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  covariates: Float64Array[];
}

export type DuplicatePolicy = "error" | "average";

/**
 * Finds samples that share a location. With "error" the first duplicate is reported with both
 * line numbers; with "average" their values (and covariates) are averaged into one sample.
 */
export function handleDuplicates(
  samples: Samples,
  lines: Int32Array,
  file: string,
  policy: DuplicatePolicy,
): Samples {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < samples.x.length; i++) {
    const key = `${samples.x[i]},${samples.y[i]}`;
    const group = groups.get(key);
    if (group) {
      if (policy === "error") {
        throw new InputError(
          `lines ${lines[group[0]]} and ${lines[i]} are at the same location (${samples.x[i]}, ${samples.y[i]}); a kriging system with two samples at one point is singular: remove one or use --duplicates average`,
          { file },
        );
      }
      group.push(i);
    } else groups.set(key, [i]);
  }
  if (groups.size === samples.x.length) return samples;
  const count = groups.size;
  const out: Samples = {
    x: new Float64Array(count),
    y: new Float64Array(count),
    z: new Float64Array(count),
    covariates: samples.covariates.map(() => new Float64Array(count)),
  };
  let k = 0;
  for (const group of groups.values()) {
    out.x[k] = samples.x[group[0]];
    out.y[k] = samples.y[group[0]];
    out.z[k] = group.reduce((s, i) => s + samples.z[i], 0) / group.length;
    samples.covariates.forEach((column, c) => {
      out.covariates[c][k] = group.reduce((s, i) => s + column[i], 0) / group.length;
    });
    k++;
  }
  return out;
}
