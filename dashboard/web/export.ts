import type { TileLayer } from "leaflet";
import type { DashboardInfo } from "../api-types.ts";
import { drawLegend, LEGEND_WIDTH, legendHeight } from "./legend.ts";
import type { MapView } from "./map.ts";
import type { LayerState } from "./panel.ts";

/**
 * The current view as a PNG: the loaded tiles of the hillshade and of each visible layer, drawn
 * where they are on screen with the layer's opacity, then a title and the visible layers'
 * legends. The tiles are same-origin images, so the canvas stays exportable.
 */
export function renderView(
  info: DashboardInfo,
  view: MapView,
  state: LayerState,
  scenario: string | null,
): HTMLCanvasElement {
  const container = view.map.getContainer();
  const frame = container.getBoundingClientRect();
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(frame.width);
  canvas.height = Math.round(frame.height);
  const context = canvas.getContext("2d")!;
  context.fillStyle = "#e8e8e8";
  context.fillRect(0, 0, canvas.width, canvas.height);
  const drawTiles = (layer: TileLayer, opacity: number) => {
    const pane = layer.getContainer();
    if (!pane) return;
    context.globalAlpha = opacity;
    for (const image of pane.querySelectorAll("img")) {
      if (!image.complete || image.naturalWidth === 0) continue;
      const box = image.getBoundingClientRect();
      context.drawImage(image, box.left - frame.left, box.top - frame.top, box.width, box.height);
    }
    context.globalAlpha = 1;
  };
  if (view.base) drawTiles(view.base, 1);
  // Leaflet stacks higher zIndex on top: draw the layers in that order.
  const shown = info.layers.filter((l) => state.visible.has(l.id)).reverse();
  for (const layer of shown) drawTiles(view.overlays.get(layer.id)!, state.opacity.get(layer.id) ?? 1);
  drawCaption(context, info, shown, scenario, canvas.height);
  return canvas;
}

function drawCaption(
  context: CanvasRenderingContext2D,
  info: DashboardInfo,
  shown: DashboardInfo["layers"],
  scenario: string | null,
  height: number,
): void {
  const title = `${info.name}${scenario ? ` — scenario ${scenario}` : ""}`;
  const legendsHeight = shown.reduce((h, l) => h + legendHeight(l.legend, true) + 6, 0);
  const boxHeight = 24 + legendsHeight;
  const top = Math.max(0, height - boxHeight - 8);
  context.fillStyle = "rgba(255,255,255,0.9)";
  context.fillRect(8, top, LEGEND_WIDTH + 16, boxHeight);
  context.fillStyle = "#222";
  context.font = "bold 12px system-ui, sans-serif";
  context.textBaseline = "top";
  context.fillText(title, 16, top + 6, LEGEND_WIDTH);
  let y = top + 24;
  for (const layer of [...shown].reverse()) {
    y +=
      drawLegend(context, layer.legend, `${layer.title}${layer.units ? ` (${layer.units})` : ""}`, 16, y) + 6;
  }
}

/** Saves the view as `<run>-view.png` through the browser's download. */
export function exportView(
  info: DashboardInfo,
  view: MapView,
  state: LayerState,
  scenario: string | null,
): void {
  renderView(info, view, state, scenario).toBlob((blob) => {
    if (!blob) return;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `${info.name}-view.png`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }, "image/png");
}
