import type { DashboardInfo } from "../api-types.ts";
import { element } from "./format.ts";
import { legendCanvas } from "./legend.ts";
import type { MapView } from "./map.ts";

/** Which layers are shown and how opaque: the export reads the same state. */
export interface LayerState {
  visible: Set<string>;
  opacity: Map<string, number>;
}

/**
 * The sidebar: one row per layer (show/hide, opacity, legend), the scenario selector of a
 * campaign, the run's documents and what could not be shown. The first layer starts visible.
 */
export function buildPanel(
  info: DashboardInfo,
  view: MapView,
  onScenario: (id: string | null) => void,
): LayerState {
  element("run-name").textContent = info.name;
  document.title = `${info.name} — Quakeslide`;
  element("run-crs").textContent =
    `${info.crs.epsg ? `EPSG:${info.crs.epsg}` : "CRS without EPSG code"}${info.base ? ` · hillshade of ${info.base.source}` : ""}`;
  const state: LayerState = { visible: new Set(), opacity: new Map() };
  const list = element<HTMLUListElement>("layers");
  info.layers.forEach((layer, index) => {
    const tiles = view.overlays.get(layer.id)!;
    const row = document.createElement("li");
    row.className = "layer";
    row.dataset.layer = layer.id;
    const label = document.createElement("label");
    const toggle = document.createElement("input");
    toggle.type = "checkbox";
    toggle.name = `show-${layer.id}`;
    label.append(toggle, `${layer.title}${layer.units ? ` (${layer.units})` : ""}`);
    const opacity = document.createElement("input");
    opacity.type = "range";
    opacity.min = "0";
    opacity.max = "100";
    opacity.value = "80";
    opacity.name = `opacity-${layer.id}`;
    opacity.title = "Opacity";
    state.opacity.set(layer.id, 0.8);
    const show = (visible: boolean) => {
      toggle.checked = visible;
      if (visible) {
        state.visible.add(layer.id);
        tiles.addTo(view.map);
      } else {
        state.visible.delete(layer.id);
        tiles.remove();
      }
    };
    toggle.addEventListener("change", () => show(toggle.checked));
    opacity.addEventListener("input", () => {
      const value = Number(opacity.value) / 100;
      state.opacity.set(layer.id, value);
      tiles.setOpacity(value);
    });
    row.append(label, opacity, legendCanvas(layer.legend));
    list.append(row);
    show(index === 0);
  });
  buildScenarioSelector(info, onScenario);
  buildLists(info);
  return state;
}

function buildScenarioSelector(info: DashboardInfo, onScenario: (id: string | null) => void): void {
  if (info.scenarios.length === 0) return;
  element("scenario-section").hidden = false;
  const select = element<HTMLSelectElement>("scenario");
  for (const scenario of info.scenarios) {
    const option = document.createElement("option");
    option.value = scenario.id;
    option.textContent = scenario.mw === undefined ? scenario.id : `${scenario.id} (Mw ${scenario.mw})`;
    select.append(option);
  }
  select.addEventListener("change", () => onScenario(select.value));
}

function buildLists(info: DashboardInfo): void {
  if (info.documents.length > 0) {
    element("documents-section").hidden = false;
    for (const path of info.documents) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `/files/${path.split("/").map(encodeURIComponent).join("/")}`;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = path;
      item.append(link);
      element("documents").append(item);
    }
  }
  if (info.skipped.length > 0) {
    element("skipped-section").hidden = false;
    for (const { file, reason } of info.skipped) {
      const item = document.createElement("li");
      item.textContent = `${file}: ${reason}`;
      element("skipped").append(item);
    }
  }
}
