import { createHash } from "node:crypto";
import { InputError } from "../errors.ts";
import { parseDecimal } from "../options.ts";
import { type CsvTable, readCsv } from "./csv.ts";

/** A labelled inventory in column-major typed arrays. */
export interface Dataset {
  file: string;
  featureNames: string[];
  columns: Float64Array[];
  /** 1 = landslide, 0 = no landslide. */
  label: Uint8Array;
  x: Float64Array;
  y: Float64Array;
  /** 1-based line of each row in the file, for error messages. */
  lineNumbers: number[];
  /** sha256 of the inventory file, recorded in model artifacts. */
  checksum: string;
}

export interface InventoryColumns {
  label: string;
  features: string[];
  x: string;
  y: string;
}

const TRUE_WORDS = new Set(["1", "true", "t", "yes"]);
const FALSE_WORDS = new Set(["0", "false", "f", "no"]);

/** Reads an inventory CSV; every problem (unknown column, bad value, one class) is an InputError naming the file and rows. */
export function readInventory(
  file: string,
  names: InventoryColumns,
  options: { requireBothClasses?: boolean } = {},
): Dataset {
  const table = readCsv(file);
  if (table.rows.length === 0) throw new InputError("the inventory has a header but no rows", { file });
  const label = parseLabel(table, file, names.label);
  const columns = names.features.map((name) => numericColumn(table, file, name, "feature"));
  const x = numericColumn(table, file, names.x, "x coordinate");
  const y = numericColumn(table, file, names.y, "y coordinate");
  if (options.requireBothClasses !== false) {
    const positives = label.reduce((a, b) => a + b, 0);
    if (positives === 0 || positives === label.length) {
      throw new InputError(
        `column "${names.label}" holds a single class (${positives} landslides of ${label.length} rows); both are needed`,
        { file },
      );
    }
  }
  const checksum = createHash("sha256").update(table.text).digest("hex");
  return {
    file,
    featureNames: [...names.features],
    columns,
    label,
    x,
    y,
    lineNumbers: table.lineNumbers,
    checksum,
  };
}

function columnIndex(table: CsvTable, file: string, name: string, role: string): number {
  const index = table.header.indexOf(name);
  if (index < 0)
    throw new InputError(`unknown ${role} column "${name}"; the columns are: ${table.header.join(", ")}`, {
      file,
    });
  return index;
}

function numericColumn(table: CsvTable, file: string, name: string, role: string): Float64Array {
  const index = columnIndex(table, file, name, role);
  const values = new Float64Array(table.rows.length);
  const bad: number[] = [];
  for (let r = 0; r < table.rows.length; r++) {
    const value = parseDecimal(table.rows[r][index].trim());
    if (value === undefined) bad.push(table.lineNumbers[r]);
    else values[r] = value;
  }
  if (bad.length > 0) {
    throw new InputError(
      `column "${name}": missing or non-numeric values on ${bad.length} line(s): ${listLines(bad)}`,
      { file },
    );
  }
  return values;
}

function parseLabel(table: CsvTable, file: string, name: string): Uint8Array {
  const index = columnIndex(table, file, name, "label");
  const label = new Uint8Array(table.rows.length);
  const bad: number[] = [];
  for (let r = 0; r < table.rows.length; r++) {
    const word = table.rows[r][index].toLowerCase();
    if (TRUE_WORDS.has(word)) label[r] = 1;
    else if (!FALSE_WORDS.has(word)) bad.push(table.lineNumbers[r]);
  }
  if (bad.length > 0) {
    throw new InputError(
      `label column "${name}" must hold 1/0 or TRUE/FALSE; other values on ${bad.length} line(s): ${listLines(bad)}`,
      { file },
    );
  }
  return label;
}

export function listLines(lines: number[]): string {
  return lines.length > 10 ? `${lines.slice(0, 10).join(", ")}, ...` : lines.join(", ");
}
