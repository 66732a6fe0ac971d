/**
 * Pieces of a self-contained HTML report: one file that opens offline in any browser, images
 * embedded as data URIs, tables of plain text, a small inline stylesheet, no scripts.
 */
const STYLE = `body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:0.6em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}
th{background:#f3f3f3}td.text,th.text{text-align:left}figure{display:inline-block;margin:0.5em 1em 0.5em 0;vertical-align:top}
figcaption{font-size:0.9em;color:#555;max-width:640px}img{max-width:100%}.note{color:#555}`;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A table; numbers are right-aligned, text columns (given by index) left-aligned. */
export function htmlTable(
  headers: string[],
  rows: (string | number)[][],
  textColumns: number[] = [0],
): string {
  const cell = (tag: "td" | "th", value: string | number, column: number) =>
    `<${tag}${textColumns.includes(column) ? ' class="text"' : ""}>${escapeHtml(String(value))}</${tag}>`;
  const head = `<tr>${headers.map((h, i) => cell("th", h, i)).join("")}</tr>`;
  const body = rows
    .map((row) => `<tr>${row.map((value, i) => cell("td", value, i)).join("")}</tr>`)
    .join("\n");
  return `<table>\n${head}\n${body}\n</table>`;
}

/**
 * A PNG embedded as a data URI, with a caption. `widthPx` scales it to that width with square
 * pixels kept sharp (a map preview of a small raster is only a few hundred pixels wide).
 */
export function htmlFigure(png: Uint8Array, caption: string, widthPx?: number): string {
  const source = `data:image/png;base64,${Buffer.from(png).toString("base64")}`;
  const style = widthPx ? ` style="width:${widthPx}px;image-rendering:pixelated"` : "";
  return `<figure><img src="${source}" alt="${escapeHtml(caption)}"${style}><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

export function htmlParagraph(text: string, className?: string): string {
  return `<p${className ? ` class="${className}"` : ""}>${escapeHtml(text)}</p>`;
}

/** The whole document: title, then sections of already-built HTML. */
export function htmlPage(title: string, sections: { heading: string; body: string[] }[]): string {
  const parts = sections.map((s) => `<h2>${escapeHtml(s.heading)}</h2>\n${s.body.join("\n")}`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${parts.join("\n")}
</body></html>
`;
}
