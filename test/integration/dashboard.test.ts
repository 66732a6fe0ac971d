import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { PNG } from "pngjs";
import { bandAsFloat32, cellOf, readRaster, readRasterInfo, writeCog } from "../../core/raster/index.ts";
import { runNewmarkMap } from "../../core/stability/step.ts";
import type { CellValues, DashboardInfo, ExceedanceSeries } from "../../dashboard/api-types.ts";
import { type Dashboard, startDashboard } from "../../dashboard/server/server.ts";
import { artifactDir, launchChromium, skipWithoutChromium } from "../helpers/browser.ts";
import { firstLine } from "../helpers/first-line.ts";
import { runQuakeslide } from "../helpers/run-cli.ts";

// The dashboard in a real browser (Debian's chromium, headless) over real outputs: the product
// folder of `quakeslide run`, and a campaign-shaped folder of three magnitudes (newmark-map's
// Jibson 2007 M regression at one PGA, on the run's a_c). Screenshots and the exported PNG are kept under
// test-artifacts/dashboard/.

declare global {
  interface Window {
    quakeslide?: {
      info: DashboardInfo;
      view: { map: import("leaflet").Map; toLatLng(x: number, y: number): import("leaflet").LatLng };
    };
  }
}

const repositoryRoot = join(import.meta.dirname, "..", "..");
const DEM = join(repositoryRoot, "data/ecuador/dem.tif");
const MAGNITUDES = [5.5, 6.5, 7.5];
const skip = skipWithoutChromium();
const artifacts = artifactDir("dashboard");

let work: string;
let runDir: string;
let campaignDir: string;
let browser: Browser | undefined;

before(async () => {
  work = mkdtempSync(join(tmpdir(), "quakeslide-dashboard-"));
  // A real product of `quakeslide run` (the bundled Ecuador case through the embedded runtime).
  runDir = join(work, "run");
  const run = await runQuakeslide(["run", "--out", runDir, "--state-dir", join(work, "state"), "--json"]);
  assert.equal(run.code, 0, run.stderr);
  campaignDir = join(work, "campaign");
  await makeCampaign(campaignDir, join(runDir, "ac.tif"));
  if (!skip) browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A scenario id as a campaign writes one into file names (7.5 → m7p5). */
const scenarioId = (mw: number) => `m${String(mw).replace(".", "p")}`;

/**
 * A campaign's layout (as the campaign aggregation writes it: scenario_<id>_dn_cm.tif beside
 * scenarios.csv), with one D_N/P(f) map per magnitude at a uniform PGA of 0.4 g (newmark-map's
 * Jibson 2007 M regression on the run's a_c): three real maps in a second.
 */
async function makeCampaign(dir: string, ac: string) {
  const info = await readRasterInfo(ac);
  const pga = join(dir, "pga.tif");
  mkdirSync(dir, { recursive: true });
  await writeCog(pga, {
    ...info,
    bands: [new Float32Array(info.width * info.height).fill(0.4)],
    nodata: Number.NaN,
  });
  for (const mw of MAGNITUDES) {
    const scratch = join(dir, ".scratch");
    await runNewmarkMap({ ac, pga, model: "jibson2007-m", magnitude: mw, outDir: scratch });
    for (const name of ["dn_cm", "pf"])
      renameSync(join(scratch, `${name}.tif`), join(dir, `scenario_${scenarioId(mw)}_${name}.tif`));
    rmSync(scratch, { recursive: true });
  }
  // As the campaign's table: every scenario with its landslide area (cells with D_N >= 5 cm),
  // including one without a map of its own (the campaign maps only its rarest scenarios).
  const rows = [`${UNMAPPED.id},${UNMAPPED.mw},0.1,${UNMAPPED.areaM2}`];
  for (const mw of MAGNITUDES) rows.push(`${scenarioId(mw)},${mw},0.3,${await landslideAreaM2(dir, mw)}`);
  writeFileSync(join(dir, "scenarios.csv"), `id,mw,weight,landslide_area_m2\n${rows.join("\n")}\n`);
}

/** A scenario of the fixture's table without a map (its area is the table's word alone). */
const UNMAPPED = { id: "m6p0", mw: 6, areaM2: 1_234_500 };

async function landslideAreaM2(dir: string, mw: number): Promise<number> {
  const dn = await readRaster(join(dir, `scenario_${scenarioId(mw)}_dn_cm.tif`));
  const cells = bandAsFloat32(dn).filter((v) => v >= 5).length;
  return cells * Math.abs(dn.transform[1] * dn.transform[5]);
}

interface OpenedPage {
  page: Page;
  problems: string[];
  tileUrls: string[];
}

/** A page on the dashboard that records console errors, page errors and failed requests. */
async function openPage(dashboard: Dashboard): Promise<OpenedPage> {
  const page = await browser!.newPage({ viewport: { width: 1400, height: 850 }, acceptDownloads: true });
  const problems: string[] = [];
  const tileUrls: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning")
      problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (r) => {
    // A tile still loading when its layer is hidden or switched is cancelled: not a failure.
    if (r.failure()?.errorText !== "net::ERR_ABORTED")
      problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    if (response.url().includes("/tiles/")) tileUrls.push(response.url());
  });
  await page.goto(dashboard.url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });
  await tilesLoaded(page, "layer-hillshade");
  return { page, problems, tileUrls };
}

/** Waits until a layer's tiles are on the map, all loaded, all from URLs containing `urlPart`. */
async function tilesLoaded(page: Page, className: string, urlPart = "") {
  await page.waitForFunction(
    ([name, part]) => {
      const images = [...document.querySelectorAll<HTMLImageElement>(`.${name} img`)];
      return (
        images.length > 0 &&
        images.every((i) => i.classList.contains("leaflet-tile-loaded") && i.src.includes(part))
      );
    },
    [className, urlPart],
  );
}

async function info(page: Page): Promise<DashboardInfo> {
  return page.evaluate(() => window.quakeslide!.info);
}

/** Zooms to the deepest level on map point (x, y) and clicks it like a user; returns the values shown. */
async function clickCell(page: Page, x: number, y: number): Promise<CellValues> {
  const point = await page.evaluate(
    async ([px, py]) => {
      const { view } = window.quakeslide!;
      view.map.setView(view.toLatLng(px, py), view.map.getMaxZoom(), { animate: false });
      const p = view.map.latLngToContainerPoint(view.toLatLng(px, py));
      return [p.x, p.y];
    },
    [x, y],
  );
  const box = (await page.locator("#map").boundingBox())!;
  const before = await page.evaluate(
    () => document.querySelector<HTMLElement>("#cell-values")!.dataset.x ?? "",
  );
  await page.mouse.click(box.x + point[0], box.y + point[1]);
  await page.waitForFunction(
    (old) => (document.querySelector<HTMLElement>("#cell-values")!.dataset.x ?? "") !== old,
    before,
  );
  return page.evaluate(() => {
    const table = document.querySelector<HTMLTableElement>("#cell-values")!;
    return {
      x: Number(table.dataset.x),
      y: Number(table.dataset.y),
      scenario: null,
      perScenario: [],
      values: [...table.rows].map((row) => {
        const cell = row.querySelector<HTMLElement>("td.value")!;
        return {
          layer: row.dataset.layer!,
          title: "",
          units: "",
          value: cell.dataset.value === "null" ? null : Number(cell.dataset.value),
          col: Number(cell.dataset.col),
          row: Number(cell.dataset.row),
        };
      }),
    };
  });
}

/** The value of a COG at map point (x, y), read with the project's reader (null for nodata). */
async function cogValue(
  path: string,
  x: number,
  y: number,
): Promise<{ value: number | null; col: number; row: number }> {
  const info = await readRasterInfo(path);
  const [col, row] = cellOf(info, x, y);
  const raster = await readRaster(path, { window: { x0: col, y0: row, width: 1, height: 1 } });
  const value = bandAsFloat32(raster)[0];
  return { value: Number.isNaN(value) ? null : value, col, row };
}

async function screenshot(page: Page, name: string) {
  const path = join(artifacts, name);
  await page.screenshot({ path });
  console.log(`screenshot: ${path}`);
}

describe("dashboard over a run folder (a quakeslide run product)", { skip }, () => {
  let dashboard: Dashboard;
  before(async () => {
    dashboard = await startDashboard({ root: runDir, dem: DEM, port: 0 });
  });
  after(() => dashboard?.close());

  test("the page loads with no console errors and shows every raster of the run as a layer", async () => {
    const { page, problems } = await openPage(dashboard);
    try {
      const shown = await info(page);
      const expected = readdirTifs(runDir);
      assert.deepEqual(shown.layers.flatMap((l) => l.files).sort(), expected);
      assert.equal(await page.locator("#layers li").count(), expected.length);
      assert.equal(shown.base?.source, "dem.tif");
      assert.ok(
        (await page.locator(".layer-hillshade img.leaflet-tile-loaded").count()) > 0,
        "hillshade tiles drawn",
      );
      await screenshot(page, "run-loaded.png");
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  test("layers switch: the chosen layer's tiles load, the hidden layer leaves the map", async () => {
    const { page, problems, tileUrls } = await openPage(dashboard);
    try {
      const { layers } = await info(page);
      const [first] = layers;
      const dn = layers.find((l) => l.kind === "dn")!;
      await tilesLoaded(page, `layer-${first.id}`);
      tileUrls.length = 0;
      await page.uncheck(`input[name="show-${first.id}"]`);
      await page.check(`input[name="show-${dn.id}"]`);
      await tilesLoaded(page, `layer-${dn.id}`);
      assert.equal(await page.locator(`.layer-${first.id}`).count(), 0, "hidden layer removed");
      assert.ok(
        (await page.locator(`.layer-${dn.id} img.leaflet-tile-loaded`).count()) > 0,
        "D_N tiles drawn",
      );
      assert.ok(
        tileUrls.some((u) => u.includes(`/tiles/${dn.id}/`)),
        `D_N tiles requested: ${tileUrls.join(" ")}`,
      );
      await page.fill(`input[name="opacity-${dn.id}"]`, "40");
      const opacity = await page.locator(`.layer-${dn.id}`).evaluate((el) => getComputedStyle(el).opacity);
      assert.equal(Number(opacity), 0.4);
      await screenshot(page, "run-dn-layer.png");
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  test("a click shows every layer's value at the cell, as the COG holds it", async () => {
    const { page, problems } = await openPage(dashboard);
    try {
      // A cell that moves (D_N > 1 cm), so that the values are not all zeros.
      const dnPath = join(runDir, "dn_cm.tif");
      const dn = await readRaster(dnPath);
      const values = bandAsFloat32(dn);
      const index = values.findIndex((v, i) => v > 1 && i > dn.width * 100);
      assert.ok(index > 0);
      const [col, row] = [index % dn.width, Math.floor(index / dn.width)];
      const [ox, px, , oy, , py] = dn.transform;
      const shown = await clickCell(page, ox + (col + 0.5) * px, oy + (row + 0.5) * py);
      const { layers } = await info(page);
      assert.equal(shown.values.length, layers.length);
      for (const layer of layers) {
        const item = shown.values.find((v) => v.layer === layer.id)!;
        const expected = await cogValue(join(runDir, layer.files[0]), shown.x, shown.y);
        // The number shown is the Float32 the COG stores, unrounded: exact equality.
        assert.deepEqual({ value: item.value, col: item.col, row: item.row }, expected, layer.id);
      }
      assert.deepEqual(
        [
          shown.values.find((v) => v.layer.endsWith("dn_cm"))!.col,
          shown.values.find((v) => v.layer.endsWith("dn_cm"))!.row,
        ],
        [col, row],
      );
      await screenshot(page, "run-cell-values.png");
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  test("the current view exports as a PNG of the map's size, map and legends drawn", async () => {
    const { page, problems } = await openPage(dashboard);
    try {
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
      const path = join(artifacts, "run-export.png");
      await download.saveAs(path);
      console.log(`exported view: ${path}`);
      const png = PNG.sync.read(readFileSync(path));
      const box = (await page.locator("#map").boundingBox())!;
      assert.deepEqual([png.width, png.height], [Math.round(box.width), Math.round(box.height)]);
      const colours = new Set<number>();
      for (let i = 0; i < png.data.length; i += 4) colours.add(png.data.readUInt32BE(i));
      assert.ok(colours.size > 100, `${colours.size} colours: the hillshade and the layer are drawn`);
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });
});

describe("dashboard over a campaign (one map per scenario)", { skip }, () => {
  let dashboard: Dashboard;
  before(async () => {
    dashboard = await startDashboard({ root: campaignDir, dem: DEM, port: 0 });
  });
  after(() => dashboard?.close());

  test("scenarios come with their Mw; the selector switches maps; a click gives D_N per scenario", async () => {
    const { page, problems, tileUrls } = await openPage(dashboard);
    try {
      const shown = await info(page);
      assert.deepEqual(
        shown.scenarios,
        MAGNITUDES.map((mw) => ({ id: scenarioId(mw), mw })),
      );
      const dn = shown.layers.find((l) => l.kind === "dn")!;
      assert.deepEqual(dn.scenarios, MAGNITUDES.map(scenarioId));
      await page.uncheck(`input[name="show-${shown.layers[0].id}"]`);
      await page.check(`input[name="show-${dn.id}"]`);
      tileUrls.length = 0;
      await page.selectOption("#scenario", "m7p5");
      await tilesLoaded(page, `layer-${dn.id}`, "scenario=m7p5");
      assert.ok(
        tileUrls.some((u) => u.includes(`/tiles/${dn.id}/`) && u.endsWith("?scenario=m7p5")),
        tileUrls.join(" "),
      );
      const ac = await readRaster(join(runDir, "ac.tif"));
      const acValues = bandAsFloat32(ac);
      const index = acValues.findIndex((v, i) => v > 0.1 && v < 0.3 && i > ac.width * 50);
      const [ox, px, , oy, , py] = ac.transform;
      const [x, y] = [ox + ((index % ac.width) + 0.5) * px, oy + (Math.floor(index / ac.width) + 0.5) * py];
      const cell = await clickCell(page, x, y);
      const dnShown = cell.values.find((v) => v.layer === dn.id)!;
      assert.equal(
        dnShown.value,
        (await cogValue(join(campaignDir, "scenario_m7p5_dn_cm.tif"), cell.x, cell.y)).value,
      );
      const perScenario = await page.evaluate(
        async ([cx, cy]) => (await (await fetch(`/api/cell?x=${cx}&y=${cy}`)).json()) as CellValues,
        [cell.x, cell.y],
      );
      const series = perScenario.perScenario.find((p) => p.layer === dn.id)!;
      for (const [i, mw] of MAGNITUDES.entries()) {
        const expected = await cogValue(
          join(campaignDir, `scenario_${scenarioId(mw)}_dn_cm.tif`),
          cell.x,
          cell.y,
        );
        assert.deepEqual(series.values[i], { scenario: scenarioId(mw), mw, value: expected.value });
      }
      // Jibson (2007): at one a_c/PGA, D_N grows with M.
      const dns = series.values.map((v) => v.value!);
      assert.ok(dns[0] < dns[1] && dns[1] < dns[2], dns.join(" < "));
      assert.equal(await page.locator("#cell-chart svg circle").count(), MAGNITUDES.length);
      assert.match(
        (await page.locator("#cell-chart h2").textContent()) ?? "",
        /Newmark displacement D_N per scenario/,
      );
      await screenshot(page, "campaign-cell.png");
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });

  test("the charts against Mw: landslide area of every scenario of the table, share of cells past 5, 10, 15 cm per map", async () => {
    const { page, problems } = await openPage(dashboard);
    try {
      const series = await page.evaluate(
        async () => (await (await fetch("/api/exceedance")).json()) as ExceedanceSeries,
      );
      assert.deepEqual(series.thresholdsCm, [5, 10, 15]);
      // Landslide area: every row of the scenario table, mapped or not, in the table's order.
      const areas = [{ scenario: UNMAPPED.id, mw: UNMAPPED.mw, hectares: UNMAPPED.areaM2 / 1e4 }];
      for (const mw of MAGNITUDES)
        areas.push({
          scenario: scenarioId(mw),
          mw,
          hectares: (await landslideAreaM2(campaignDir, mw)) / 1e4,
        });
      assert.deepEqual(series.landslideArea, areas);
      for (const [i, mw] of MAGNITUDES.entries()) {
        const values = bandAsFloat32(
          await readRaster(join(campaignDir, `scenario_${scenarioId(mw)}_dn_cm.tif`)),
        );
        const mapped = values.filter((v) => !Number.isNaN(v));
        const expected = [5, 10, 15].map((t) => mapped.filter((v) => v > t).length / mapped.length);
        assert.deepEqual(series.points[i], { scenario: scenarioId(mw), mw, fractions: expected });
      }
      const [areaChart, shareChart] = await page.locator("#exceedance-chart svg").all();
      assert.equal(await areaChart.locator("circle").count(), 4, "a dot per scenario of the table");
      assert.equal(await shareChart.locator("path").count(), 3, "one line per threshold");
      assert.equal(await shareChart.locator("circle").count(), 9, "a dot per mapped scenario and threshold");
      await screenshot(page, "campaign-exceedance.png");
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  });
});

describe("dashboard server boundaries", () => {
  let dashboard: Dashboard;
  before(async () => {
    symlinkSync("/etc/hostname", join(runDir, "outside.json"));
    dashboard = await startDashboard({ root: runDir, port: 0 });
  });
  after(() => dashboard?.close());

  function get(
    path: string,
    headers: Record<string, string> = {},
    method = "GET",
  ): Promise<{ status: number; body: string }> {
    const url = new URL(dashboard.url);
    return new Promise((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path, method, headers }, (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode!, body }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  test("binds 127.0.0.1 and answers only requests whose Host names it (no DNS rebinding)", async () => {
    assert.match(dashboard.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal((await get("/api/layers")).status, 200);
    assert.equal(
      (await get("/api/layers", { host: `localhost:${new URL(dashboard.url).port}` })).status,
      200,
    );
    assert.equal((await get("/api/layers", { host: "attacker.example" })).status, 403);
    assert.equal(
      (await get("/api/layers", { host: `attacker.example:${new URL(dashboard.url).port}` })).status,
      403,
    );
    assert.equal((await get("/api/layers", {}, "POST")).status, 405);
  });

  test("serves files of the run folder only: no traversal, no hidden files, no links leading out", async () => {
    assert.equal((await get("/files/manifest.json")).status, 200);
    for (const path of [
      "/files/../package.json",
      "/files/..%2F..%2Fetc%2Fhostname",
      "/files/%2e%2e/%2e%2e/etc/hostname",
      "/files/nested/../../package.json",
      "/files/outside.json",
      "/files/.tmp",
      "/files/newmark%00.tif",
      "/tiles/../../etc/0/0/0.png",
    ]) {
      const { status } = await get(path);
      assert.equal(status, 404, path);
    }
  });

  test("tile and cell routes refuse what is not theirs", async () => {
    assert.equal((await get("/tiles/no-such-layer/0/0/0.png")).status, 404);
    assert.equal((await get("/tiles/dn_cm/99/0/0.png")).status, 404);
    assert.equal((await get("/tiles/dn_cm/0/1/0.png")).status, 404);
    assert.equal((await get("/api/cell?x=abc&y=1")).status, 400);
    // No DEM in the run's product and none given: the base map is the slope raster's shading.
    assert.equal(dashboard.catalog.base?.source, "slope.tif (slope shading)");
    assert.equal((await get("/basemap/0/0/0.png")).status, 200);
    const far = JSON.parse((await get("/api/cell?x=0&y=0")).body) as CellValues;
    assert.ok(
      far.values.every((v) => v.value === null),
      "outside every raster: no values",
    );
  });
});

describe("quakeslide dashboard (the verb)", () => {
  test("bad options exit 2 with one line, before serving anything", async () => {
    const missing = await runQuakeslide(["dashboard", "--run", join(work, "no-such-run")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no-such-run: run folder not found/);
    assert.equal(missing.stderr.trim().split("\n").length, 1);
    const both = await runQuakeslide(["dashboard", "--run", runDir, "--results", "runs/x/"]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--run or --results, not both/);
    const port = await runQuakeslide(["dashboard", "--run", runDir, "--port", "70000"]);
    assert.equal(port.code, 2);
    assert.match(port.stderr, /--port must be an integer from 0 to 65535/);
  });

  test("serves until SIGINT, printing its address and layers as JSON", async () => {
    const child = spawn(
      process.execPath,
      [
        join(repositoryRoot, "bin/quakeslide.mjs"),
        "dashboard",
        "--run",
        runDir,
        "--dem",
        DEM,
        "--port",
        "0",
        "--json",
      ],
      {
        cwd: repositoryRoot,
      },
    );
    const line = await firstLine(child);
    const started = JSON.parse(line) as { url: string; layers: { files: string[] }[]; base: string };
    assert.equal(started.base, "dem.tif");
    const layers = (await (await fetch(`${started.url}api/layers`)).json()) as DashboardInfo;
    assert.deepEqual(layers.layers.flatMap((l) => l.files).sort(), readdirTifs(runDir));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    child.kill("SIGINT");
    assert.equal(await exited, 0);
  });
});

function readdirTifs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (entry.name.endsWith(".tif")) out.push(`${prefix}${entry.name}`);
    }
  };
  walk(root, "");
  return out.sort();
}
