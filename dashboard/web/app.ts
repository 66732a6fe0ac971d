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
  if (info.scenarios.length > 1) await showExceedance();
  document.body.dataset.ready = "true";
}

async function showExceedance(): Promise<void> {
  const series = await getJson<ExceedanceSeries | null>("/api/exceedance");
  if (!series || series.points.length === 0) return;
  const byMw = series.points.every((p) => p.mw !== undefined);
  element("exceedance-section").hidden = false;
  element("exceedance-chart").append(
    lineChart({
      xLabel: byMw ? "Mw" : "scenario",
      yLabel: "% of cells",
      series: series.thresholdsCm.map((threshold, t) => ({
        name: `D_N > ${threshold} cm`,
        colour: SERIES_COLOURS[t % SERIES_COLOURS.length],
        points: series.points.map((p, i) => ({
          x: byMw ? p.mw! : i + 1,
          y: 100 * p.fractions[t],
          label: p.scenario,
        })),
      })),
    }),
  );
}

main().catch(showError);
