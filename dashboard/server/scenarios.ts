import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ScenarioInfo } from "../api-types.ts";

export type { ScenarioInfo };

/** Files a campaign folder describes its scenarios in (the first one found is used). */
const TABLES = ["scenarios.csv", "scenarios.json", "campaign.json", "manifest.json"];

/** A row of a campaign's scenario table: its id, Mw and landslide area when the table has them. */
export interface ScenarioRow {
  id: string;
  mw?: number;
  landslideAreaM2?: number;
}

/**
 * Every scenario of the run folder's scenario table (an array of `{ id, mw | magnitude | Mw,
 * landslide_area_m2 }`, at the top or under `scenarios`, or the campaign's scenarios.csv).
 */
export function readScenarioRows(root: string): ScenarioRow[] {
  for (const name of TABLES) {
    const path = join(root, name);
    if (!existsSync(path)) continue;
    const rows: ScenarioRow[] = [];
    for (const entry of scenarioEntries(path)) {
      const id = entry.id ?? entry.scenario ?? entry.name;
      const mw = finite(entry.mw ?? entry.Mw ?? entry.magnitude);
      const area = finite(entry.landslide_area_m2);
      if (id === undefined || mw === undefined) continue;
      rows.push({ id: String(id), mw, ...(area === undefined ? {} : { landslideAreaM2: area }) });
    }
    if (rows.length > 0) return rows;
  }
  return [];
}

/** The scenarios whose maps were found, with their Mw from the table; by magnitude, then id. */
export function scenariosWithMaps(rows: ScenarioRow[], ids: string[]): ScenarioInfo[] {
  const magnitudes = new Map(rows.map((r) => [r.id, r.mw]));
  return ids
    .map((id) => ({ id, ...(magnitudes.get(id) === undefined ? {} : { mw: magnitudes.get(id) }) }))
    .sort(
      (a, b) =>
        (a.mw ?? Number.POSITIVE_INFINITY) - (b.mw ?? Number.POSITIVE_INFINITY) || a.id.localeCompare(b.id),
    );
}

function finite(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function scenarioEntries(path: string): Record<string, unknown>[] {
  if (path.endsWith(".csv")) return csvEntries(readFileSync(path, "utf8"));
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as unknown;
    const list = Array.isArray(parsed) ? parsed : (parsed as { scenarios?: unknown })?.scenarios;
    return Array.isArray(list)
      ? list.filter((e): e is Record<string, unknown> => !!e && typeof e === "object")
      : [];
  } catch {
    return [];
  }
}

/** Rows of a plain CSV (no quoted commas: the campaign's scenarios.csv), numbers as numbers. */
function csvEntries(text: string): Record<string, unknown>[] {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  const columns = header.split(",").map((c) => c.trim());
  return lines.map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(
      columns.map((column, i) => {
        const cell = (cells[i] ?? "").trim();
        return [column, cell !== "" && Number.isFinite(Number(cell)) ? Number(cell) : cell];
      }),
    );
  });
}
