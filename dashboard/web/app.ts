import "leaflet/dist/leaflet.css";
import "./style.css";
import type { DashboardInfo, ExceedanceSeries } from "../api-types.ts";
import { enableCellInfo, showError } from "./cell-info.ts";
import { lineChart } from "./chart.ts";
import { exportView } from "./export.ts";
import { element, getJson } from "./format.ts";
import { createMap } from "./map.ts";
import { buildPanel } from "./panel.ts";

const SERIES_COLOURS = ["#fdae61", "#d7191c", "#7b3294"];

declare global {
  interface Window {
    /** For scripts and the browser tests: the map and what the page loaded. */
    quakeslide?: {
      info: DashboardInfo;
      view: ReturnType<typeof createMap>;
      showAt(x: number, y: number): Promise<void>;
    };
  }
}

async function main(): Promise<void> {
  const info = await getJson<DashboardInfo>("/api/layers");
  const view = createMap(element("map"), info);
  let scenario: string | null = info.scenarios[0]?.id ?? null;
  const cells = enableCellInfo(view, () => scenario);
  const state = buildPanel(info, view, (next) => {
    scenario = next;
    view.setScenario(next);
  });
  element("export").addEventListener("click", () => exportView(info, view, state, scenario));
  window.quakeslide = { info, view, showAt: cells.showAt };
  await showExceedance();
  document.body.dataset.ready = "true";
}

async function showExceedance(): Promise<void> {
  const series = await getJson<ExceedanceSeries | null>("/api/exceedance");
  if (!series) return;
  const section = element("exceedance-chart");
  const heading = (text: string) => {
    const h = document.createElement("h3");
    h.textContent = text;
    section.append(h);
  };
  if (series.landslideArea.length > 0) {
    const byMw = series.landslideArea.every((p) => p.mw !== undefined);
    heading("Landslide area, every scenario");
    section.append(
      lineChart({
        xLabel: byMw ? "Mw" : "scenario",
        yLabel: "ha",
        series: [
          {
            name: "landslide area (campaign table)",
            colour: SERIES_COLOURS[1],
            dotsOnly: true,
            points: series.landslideArea.map((p, i) => ({
              x: byMw ? p.mw! : i + 1,
              y: p.hectares,
              label: p.scenario,
            })),
          },
        ],
      }),
    );
  }
  if (series.points.length > 0) {
    const byMw = series.points.every((p) => p.mw !== undefined);
    heading("Share of cells past each D_N threshold, scenarios with a map");
    section.append(
      lineChart({
        xLabel: byMw ? "Mw" : "scenario",
        yLabel: "% of cells",
        series: series.thresholdsCm.map((threshold, t) => ({
          name: `D_N > ${threshold} cm`,
          colour: SERIES_COLOURS[t % SERIES_COLOURS.length],
          dotsOnly: byMw && new Set(series.points.map((p) => p.mw)).size < series.points.length,
          points: series.points.map((p, i) => ({
            x: byMw ? p.mw! : i + 1,
            y: 100 * p.fractions[t],
            label: p.scenario,
          })),
        })),
      }),
    );
  }
  element("exceedance-section").hidden = false;
}

main().catch(showError);
