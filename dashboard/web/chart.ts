import { formatValue } from "./format.ts";

export interface Series {
  name: string;
  colour: string;
  /** Dots only (several scenarios share an Mw); default: dots joined by a line. */
  dotsOnly?: boolean;
  points: { x: number; y: number | null; label?: string }[];
}

export interface ChartOptions {
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Horizontal reference lines (thresholds). */
  lines?: { y: number; label: string }[];
  width?: number;
  height?: number;
}

const SVG = "http://www.w3.org/2000/svg";

/**
 * A small SVG line chart with dots, axes with end labels, a legend and reference lines: enough
 * for D_N per scenario and exceedance vs Mw, without a chart library.
 */
export function lineChart(options: ChartOptions): SVGSVGElement {
  const width = options.width ?? 270;
  const height = options.height ?? 180;
  // Legend rows on top, then the y label, then the plot.
  const legendRows = 12 * options.series.length;
  const margin = { left: 40, right: 8, top: legendRows + 28, bottom: 30 };
  const xs = options.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = [
    ...options.series.flatMap((s) => s.points.flatMap((p) => (p.y === null ? [] : [p.y]))),
    ...(options.lines ?? []).map((l) => l.y),
    0,
  ];
  const [x0, x1] = padded(Math.min(...xs), Math.max(...xs));
  const y1 = Math.max(...ys) > 0 ? Math.max(...ys) * 1.05 : 1;
  const px = (x: number) => margin.left + ((x - x0) / (x1 - x0)) * (width - margin.left - margin.right);
  const py = (y: number) => height - margin.bottom - (y / y1) * (height - margin.top - margin.bottom);
  const svg = node("svg", { width, height, viewBox: `0 0 ${width} ${height}` }) as SVGSVGElement;
  svg.append(
    node("line", { x1: margin.left, y1: py(0), x2: width - margin.right, y2: py(0), stroke: "#999" }),
    node("line", { x1: margin.left, y1: margin.top, x2: margin.left, y2: py(0), stroke: "#999" }),
    text(formatValue(y1), 2, margin.top + 4),
    text("0", 2, py(0)),
    text(formatValue(x0), margin.left, height - margin.bottom + 12),
    text(formatValue(x1), width - margin.right - 24, height - margin.bottom + 12),
    text(options.xLabel, margin.left + 40, height - 4),
    text(options.yLabel, 2, legendRows + 16),
  );
  for (const line of options.lines ?? []) {
    svg.append(
      node("line", {
        x1: margin.left,
        y1: py(line.y),
        x2: width - margin.right,
        y2: py(line.y),
        stroke: "#bbb",
        "stroke-dasharray": "3 3",
      }),
      text(line.label, width - margin.right - 40, py(line.y) - 2),
    );
  }
  options.series.forEach((series, index) => {
    const drawn = series.points.filter((p): p is { x: number; y: number; label?: string } => p.y !== null);
    if (drawn.length > 1 && !series.dotsOnly) {
      const d = drawn.map((p, i) => `${i ? "L" : "M"}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join("");
      svg.append(node("path", { d, fill: "none", stroke: series.colour, "stroke-width": 1.5 }));
    }
    for (const p of drawn) {
      const dot = node("circle", { cx: px(p.x), cy: py(p.y), r: 3, fill: series.colour });
      const title = document.createElementNS(SVG, "title");
      title.textContent = `${p.label ?? formatValue(p.x)}: ${formatValue(p.y)}`;
      dot.append(title);
      svg.append(dot);
    }
    svg.append(
      node("rect", { x: margin.left, y: 4 + 12 * index, width: 10, height: 8, fill: series.colour }),
      text(series.name, margin.left + 14, 11 + 12 * index),
    );
  });
  return svg;
}

function padded(low: number, high: number): [number, number] {
  if (!(high > low)) return [low - 0.5, low + 0.5];
  const pad = (high - low) * 0.05;
  return [low - pad, high + pad];
}

function node(name: string, attributes: Record<string, string | number>): SVGElement {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

function text(content: string, x: number, y: number): SVGElement {
  const element = node("text", { x, y, fill: "#333" });
  element.textContent = content;
  return element;
}
