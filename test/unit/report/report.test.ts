import assert from "node:assert/strict";
import { test } from "node:test";
import { PNG } from "pngjs";
import { histogram } from "../../../core/report/histogram.ts";
import { formatNumber } from "../../../core/report/html.ts";
import { buildReport } from "../../../core/report/index.ts";
import { NETWORK_REFERENCE } from "./no-network.ts";

function tinyPng(): Buffer {
  const png = new PNG({ width: 2, height: 1 });
  png.data.fill(200);
  return PNG.sync.write(png);
}

test("histogram counts every finite value once and reports nodata apart", () => {
  const values = Float32Array.of(0, 0.1, 0.2, 0.5, 0.99, 1, Number.NaN, Number.NaN);
  const h = histogram(values, 4);
  assert.deepEqual(h.edges, [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(h.counts, [3, 0, 1, 2], "the maximum falls in the last bin");
  assert.equal(h.missing, 2);
  const clipped = histogram(Float32Array.of(-5, 0.5, 5), 2, [0, 1]);
  assert.deepEqual(clipped.counts, [1, 2], "values outside an explicit range go to the end bins");
  assert.deepEqual(histogram(Float32Array.of(Number.NaN), 3).counts, [0]);
});

test("numbers read as people write them", () => {
  assert.deepEqual([0, 1234.5678, 0.000123456, 12345678, Number.NaN].map(formatNumber), [
    "0",
    "1235",
    "0.0001235",
    "1.235e+7",
    "-",
  ]);
});

test("the report is one self-contained HTML file: inline CSS, base64 PNGs, SVG histograms, escaped text, no network", () => {
  const png = tinyPng();
  const html = buildReport({
    title: "Hazard <run> & co",
    subtitle: "Ecuador",
    sections: [
      { heading: "Maps", blocks: [{ kind: "figures", images: [{ png, caption: "P(f) <1>" }] }] },
      {
        heading: "Numbers",
        blocks: [
          {
            kind: "table",
            columns: ["class", "area km2"],
            rows: [
              ["low", 1.5],
              ["<b>", null],
            ],
            caption: "Area per class",
          },
          {
            kind: "definitions",
            entries: [
              ["magnitude", 6.5],
              ["mechanism", "RS"],
            ],
          },
          { kind: "histogram", title: "P(f)", xLabel: "probability", values: Float32Array.of(0.1, 0.2, 0.3) },
          { kind: "text", text: "a & b" },
        ],
      },
    ],
    footer: "code 0.1.0",
  });
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  assert.doesNotMatch(html, NETWORK_REFERENCE);
  assert.match(html, /<title>Hazard &lt;run&gt; &amp; co<\/title>/);
  assert.match(html, /<td>&lt;b&gt;<\/td><td>-<\/td>/);
  assert.match(html, /<p>a &amp; b<\/p>/);
  const embedded = /src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/.exec(html);
  assert.ok(embedded);
  assert.deepEqual(Buffer.from(embedded[1], "base64"), png);
  assert.equal((html.match(/<rect /g) ?? []).length, 20, "one bar per bin");
  // The check itself catches what it is for (negative case).
  assert.match('<img src="https://tiles.example/x.png">', NETWORK_REFERENCE);
  assert.match("<script>1</script>", NETWORK_REFERENCE);
});
