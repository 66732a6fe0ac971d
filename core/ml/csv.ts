import { InputError } from "../errors.ts";
import { readTextFile } from "../util/text-file.ts";

export interface CsvTable {
  header: string[];
  /** Data rows as text fields; `lineNumbers[r]` is the 1-based line of row r in the file. */
  rows: string[][];
  lineNumbers: number[];
  text: string;
}

/** Reads a comma-separated file with a header line; fields may be double-quoted (as R's write.csv writes them). */
export function readCsv(file: string): CsvTable {
  const text = readTextFile(file, "a CSV inventory");
  // Spreadsheet exports often start with a byte-order mark, which would end up in the first column name.
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const firstLine = lines.findIndex((line) => line.trim() !== "");
  if (firstLine < 0) throw new InputError("the inventory is empty", { file });
  const header = splitCsvLine(lines[firstLine]);
  const rows: string[][] = [];
  const lineNumbers: number[] = [];
  for (let l = firstLine + 1; l < lines.length; l++) {
    if (lines[l].trim() === "") continue;
    const fields = splitCsvLine(lines[l]);
    if (fields.length !== header.length) {
      throw new InputError(`line ${l + 1}: ${fields.length} fields where the header has ${header.length}`, {
        file,
      });
    }
    rows.push(fields);
    lineNumbers.push(l + 1);
  }
  return { header, rows, lineNumbers, text };
}

function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      fields.push(field.trim());
      field = "";
    } else field += ch;
  }
  fields.push(field.trim());
  return fields;
}
