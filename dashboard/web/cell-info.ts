import * as L from "leaflet";
import type { CellValues } from "../api-types.ts";
import { lineChart } from "./chart.ts";
import { element, formatValue, getJson } from "./format.ts";
import type { MapView } from "./map.ts";

const SCENARIO_COLOUR = "#b2182b";
const THRESHOLDS_CM = [5, 10, 15];

/**
 * Click a cell: the value of every layer there (read by the server from the full-resolution COG
 * cells), and for a campaign the cell's D_N under each scenario against Mw. Each value cell
 * carries the raw number in data-value, so that what is shown can be checked to the digit.
 */
export function enableCellInfo(
  view: MapView,
  scenario: () => string | null,
): { showAt(x: number, y: number): Promise<void> } {
  const marker = L.circleMarker([0, 0], { radius: 8, color: "#00e5ff", weight: 3, fill: false });
  const showAt = async (x: number, y: number) => {
    const query = new URLSearchParams({ x: String(x), y: String(y) });
    const current = scenario();
    if (current) query.set("scenario", current);
    const cell = await getJson<CellValues>(`/api/cell?${query}`);
    marker.setLatLng(view.toLatLng(x, y)).addTo(view.map);
    renderValues(cell);
    renderScenarioChart(cell);
  };
  view.map.on("click", (event: L.LeafletMouseEvent) => {
    const { x, y } = view.toCrs(event.latlng);
    showAt(x, y).catch(showError);
  });
  return { showAt };
}

function renderValues(cell: CellValues): void {
  element("cell-hint").textContent =
    `x ${cell.x.toFixed(1)}, y ${cell.y.toFixed(1)}${cell.scenario ? ` · scenario ${cell.scenario}` : ""}`;
  const table = element<HTMLTableElement>("cell-values");
  table.replaceChildren();
  table.dataset.x = String(cell.x);
  table.dataset.y = String(cell.y);
  for (const item of cell.values) {
    const row = table.insertRow();
    row.dataset.layer = item.layer;
    row.insertCell().textContent = item.title;
    const value = row.insertCell();
    value.className = "value";
    value.dataset.value = item.value === null ? "null" : String(item.value);
    value.dataset.col = String(item.col);
    value.dataset.row = String(item.row);
    value.textContent = item.value === null ? "no data" : `${formatValue(item.value)} ${item.units}`;
  }
}

function renderScenarioChart(cell: CellValues): void {
  const container = element("cell-chart");
  container.replaceChildren();
  // The cell's D_N per scenario; another per-scenario layer when the campaign has no D_N maps.
  const multi = cell.perScenario.filter((p) => p.values.length > 1);
  const dn = multi.find((p) => p.kind === "dn") ?? multi[0];
  if (!dn) return;
  const byMw = dn.values.every((v) => v.mw !== undefined);
  const heading = document.createElement("h2");
  heading.textContent = `${dn.title} per scenario`;
  container.append(
    heading,
    lineChart({
      xLabel: byMw ? "Mw" : "scenario",
      yLabel: dn.units,
      series: [
        {
          name: "this cell",
          colour: SCENARIO_COLOUR,
          // Scenarios that share an Mw (two rupture durations) are not a curve.
          dotsOnly: byMw && new Set(dn.values.map((v) => v.mw)).size < dn.values.length,
          points: dn.values.map((v, i) => ({ x: byMw ? v.mw! : i + 1, y: v.value, label: v.scenario })),
        },
      ],
      lines: dn.units === "cm" ? THRESHOLDS_CM.map((t) => ({ y: t, label: `${t} cm` })) : [],
    }),
  );
}

export function showError(error: unknown): void {
  const box = element("error");
  box.hidden = false;
  box.textContent = (error as Error).message;
  console.error(error);
}
