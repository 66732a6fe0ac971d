import type { Legend } from "../api-types.ts";
import { formatValue } from "./format.ts";

export const LEGEND_WIDTH = 240;
const BAR_HEIGHT = 10;
const LINE = 14;

/**
 * Draws a legend (title, colour bar with its range and units, or class swatches) at (x, y);
 * returns the height used. The sidebar and the PNG export draw legends with this one function.
 */
export function drawLegend(
  context: CanvasRenderingContext2D,
  legend: Legend,
  title: string | null,
  x: number,
  y: number,
): number {
  const top = y;
  context.save();
  context.fillStyle = "#222";
  context.font = "11px system-ui, sans-serif";
  context.textBaseline = "top";
  if (title) {
    context.fillText(title, x, y, LEGEND_WIDTH);
    y += LINE;
  }
  if (legend.type === "ramp") {
    const gradient = context.createLinearGradient(x, 0, x + LEGEND_WIDTH, 0);
    legend.colours.forEach((colour, i) => {
      gradient.addColorStop(i / (legend.colours.length - 1), colour);
    });
    context.fillStyle = gradient;
    context.fillRect(x, y, LEGEND_WIDTH, BAR_HEIGHT);
    y += BAR_HEIGHT + 2;
    context.fillStyle = "#222";
    context.fillText(`${formatValue(legend.min)}${legend.clearAtMin ? " (clear)" : ""}`, x, y);
    const max = formatValue(legend.max);
    context.fillText(max, x + LEGEND_WIDTH - context.measureText(max).width, y);
    const units = legend.units;
    context.fillText(units, x + (LEGEND_WIDTH - context.measureText(units).width) / 2, y);
    y += LINE;
  } else {
    for (const item of legend.classes) {
      context.fillStyle = item.colour;
      context.fillRect(x, y + 1, 12, 10);
      context.fillStyle = "#222";
      context.fillText(item.label, x + 18, y);
      y += LINE;
    }
  }
  context.restore();
  return y - top;
}

export function legendHeight(legend: Legend, withTitle: boolean): number {
  const body = legend.type === "ramp" ? BAR_HEIGHT + 2 + LINE : legend.classes.length * LINE;
  return body + (withTitle ? LINE : 0);
}

/** A canvas holding a layer's legend, for the sidebar. */
export function legendCanvas(legend: Legend): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  const ratio = window.devicePixelRatio || 1;
  const height = legendHeight(legend, false);
  canvas.width = LEGEND_WIDTH * ratio;
  canvas.height = height * ratio;
  canvas.style.width = `${LEGEND_WIDTH}px`;
  canvas.style.height = `${height}px`;
  const context = canvas.getContext("2d")!;
  context.scale(ratio, ratio);
  drawLegend(context, legend, null, 0, 0);
  return canvas;
}
