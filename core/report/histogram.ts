import { escapeHtml, formatNumber } from "./html.ts";

export interface Histogram {
  /** Bin edges: bins + 1 increasing values. */
  edges: number[];
  counts: number[];
  /** Values that were NaN (nodata), left out of the counts. */
  missing: number;
}

/** Counts of the finite values in `bins` equal bins over [min, max] (default: the data's range). */
export function histogram(values: ArrayLike<number>, bins = 20, range?: [number, number]): Histogram {
  let min = range?.[0] ?? Number.POSITIVE_INFINITY;
  let max = range?.[1] ?? Number.NEGATIVE_INFINITY;
  let missing = 0;
  if (!range) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (!Number.isFinite(min)) return { edges: [0, 1], counts: [0], missing: values.length };
  if (max <= min) max = min + 1;
  const width = (max - min) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      missing++;
      continue;
    }
    // Values outside an explicit range go to the first or last bin.
    const bin = Math.min(bins - 1, Math.max(0, Math.floor((v - min) / width)));
    counts[bin]++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, k) => min + k * width), counts, missing };
}

/** An SVG bar chart of a histogram (counts on a linear axis), sized for a report column. */
export function histogramSvg(h: Histogram, title: string, xLabel: string): string {
  const [width, height, left, bottom, top] = [520, 220, 56, 40, 24];
  const plotWidth = width - left - 12;
  const plotHeight = height - bottom - top;
  const peak = Math.max(1, ...h.counts);
  const barWidth = plotWidth / h.counts.length;
  const bars = h.counts
    .map((count, k) => {
      const barHeight = (count / peak) * plotHeight;
      const x = left + k * barWidth;
      const label = `${formatNumber(h.edges[k])} to ${formatNumber(h.edges[k + 1])}: ${count}`;
      return `<rect x="${x.toFixed(1)}" y="${(top + plotHeight - barHeight).toFixed(1)}" width="${Math.max(barWidth - 1, 1).toFixed(1)}" height="${barHeight.toFixed(1)}" fill="#3b6ea8"><title>${escapeHtml(label)}</title></rect>`;
    })
    .join("");
  const axisY = top + plotHeight;
  const first = formatNumber(h.edges[0]);
  const last = formatNumber(h.edges[h.edges.length - 1]);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">`,
    `<text x="${left}" y="16" font-size="13" font-weight="bold">${escapeHtml(title)}</text>`,
    bars,
    `<line x1="${left}" y1="${axisY}" x2="${left + plotWidth}" y2="${axisY}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${axisY}" stroke="#333"/>`,
    `<text x="${left - 4}" y="${top + 10}" font-size="11" text-anchor="end">${peak}</text>`,
    `<text x="${left - 4}" y="${axisY}" font-size="11" text-anchor="end">0</text>`,
    `<text x="${left}" y="${axisY + 14}" font-size="11">${escapeHtml(first)}</text>`,
    `<text x="${left + plotWidth}" y="${axisY + 14}" font-size="11" text-anchor="end">${escapeHtml(last)}</text>`,
    `<text x="${left + plotWidth / 2}" y="${height - 6}" font-size="11" text-anchor="middle">${escapeHtml(xLabel)}</text>`,
    `<text x="12" y="${top + plotHeight / 2}" font-size="11" transform="rotate(-90 12 ${top + plotHeight / 2})" text-anchor="middle">cells</text>`,
    "</svg>",
  ].join("");
}
