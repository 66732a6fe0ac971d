/** HTML text and attribute escaping (the five characters that matter). */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

/** A number as a reader wants it: 4 significant digits, no exponent for everyday magnitudes. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "-" : String(value);
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

export type Cell = string | number | null | undefined;

export function tableHtml(columns: string[], rows: Cell[][], caption?: string): string {
  const cell = (value: Cell) =>
    typeof value === "number"
      ? `<td class="num">${escapeHtml(formatNumber(value))}</td>`
      : `<td>${escapeHtml(value ?? "-")}</td>`;
  return [
    "<table>",
    caption ? `<caption>${escapeHtml(caption)}</caption>` : "",
    `<thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead>`,
    `<tbody>${rows.map((row) => `<tr>${row.map(cell).join("")}</tr>`).join("")}</tbody>`,
    "</table>",
  ].join("");
}

export const REPORT_CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2329;background:#f6f7f8}
header{background:#1f3b57;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}header p{margin:0;opacity:.85}
main{max-width:1120px;margin:0 auto;padding:12px 28px 40px}
section{background:#fff;border:1px solid #dde1e5;border-radius:6px;margin:16px 0;padding:8px 20px 16px}
h2{font-size:18px;border-bottom:1px solid #e4e7ea;padding-bottom:6px}
table{border-collapse:collapse;margin:10px 0;font-size:14px}caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border:1px solid #d7dbdf;padding:4px 10px;text-align:left;vertical-align:top}th{background:#eef1f4}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.figures{display:flex;flex-wrap:wrap;gap:16px}figure{margin:8px 0;max-width:520px}
figure img{max-width:100%;border:1px solid #d7dbdf}figcaption{font-size:13px;color:#4a545e;margin-top:4px}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px;font-size:14px}dt{font-weight:600}dd{margin:0}
code{font-size:13px;word-break:break-all}footer{font-size:12px;color:#6b757f;text-align:center;padding:12px}
`;
