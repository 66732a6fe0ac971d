import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ScenarioInfo } from "../api-types.ts";

export type { ScenarioInfo };

/** Files a campaign folder describes its scenarios in (the first one found is used). */
const TABLES = ["scenarios.csv", "scenarios.json", "campaign.json", "manifest.json"];

/**
 * The scenarios whose maps were found, with their magnitudes when a scenario table in the run
 * folder gives them (an array of `{ id, mw | magnitude | Mw }`, at the top or under `scenarios`);
 * sorted by magnitude, then id.
 */
export function readScenarioTable(root: string, ids: string[]): ScenarioInfo[] {
  const magnitudes = new Map<string, number>();
  for (const name of TABLES) {
    const path = join(root, name);
    if (!existsSync(path)) continue;
    for (const entry of scenarioEntries(path)) {
      const id = entry.id ?? entry.scenario ?? entry.name;
      const mw = entry.mw ?? entry.Mw ?? entry.magnitude;
      if (id !== undefined && typeof mw === "number" && Number.isFinite(mw)) magnitudes.set(String(id), mw);
    }
    if (magnitudes.size > 0) break;
  }
  return ids
    .map((id) => ({ id, ...(magnitudes.has(id) ? { mw: magnitudes.get(id) } : {}) }))
    .sort(
      (a, b) =>
        (a.mw ?? Number.POSITIVE_INFINITY) - (b.mw ?? Number.POSITIVE_INFINITY) || a.id.localeCompare(b.id),
    );
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
