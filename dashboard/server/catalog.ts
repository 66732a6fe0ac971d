import { basename, join, resolve } from "node:path";
import { InputError } from "../../core/errors.ts";
import { openPyramid, type PyramidReader } from "../../core/raster/pyramid.ts";
import type { Crs } from "../../core/raster/types.ts";
import { groupRasters, listDocuments, listRasters } from "./discover.ts";
import { isElevation, type LayerStyle, styleOf } from "./layer-kinds.ts";
import { type Legend, legendFor } from "./legend.ts";
import { readScenarioRows, type ScenarioInfo, type ScenarioRow, scenariosWithMaps } from "./scenarios.ts";
import { type TileGrid, tileGridFor } from "./tile-grid.ts";

/** One file of a layer: the layer itself, or its map under one scenario. */
export interface LayerFile {
  rel: string;
  scenario: string | null;
  reader: PyramidReader;
}

export interface Layer {
  /** URL-safe and unique: what the tile and cell routes take. */
  id: string;
  title: string;
  style: LayerStyle;
  legend: Legend;
  files: LayerFile[];
}

/**
 * The base map's source: a DEM (hillshaded), or else the run's slope raster (slope shading: the
 * same light from straight above, which needs no aspect; products often carry slope, not the DEM).
 */
export interface BaseMap {
  source: string;
  reader: PyramidReader;
  from: "dem" | "slope";
}

export interface Catalog {
  root: string;
  /** The run's name, for the page title: the folder's name. */
  name: string;
  crs: Crs;
  layers: Layer[];
  base?: BaseMap;
  tileGrid: TileGrid;
  /** Scenario ids in display order (empty for a single run), with what the run says about each. */
  scenarios: ScenarioInfo[];
  /** Every scenario of the campaign's table (maps are written for some only). */
  scenarioTable: ScenarioRow[];
  /** Rasters found but not shown, with the reason (another CRS, rotated, unreadable). */
  skipped: { file: string; reason: string }[];
  /** Report, manifest and tables of the run, relative paths (served under /files/). */
  documents: string[];
  close(): void;
}

export interface CatalogOptions {
  /** A DEM for the hillshade when the run folder holds none. */
  dem?: string;
}

/** Opens every raster of a run folder and describes the layers the dashboard can show. */
export async function openCatalog(rootPath: string, options: CatalogOptions = {}): Promise<Catalog> {
  const root = resolve(rootPath);
  const skipped: { file: string; reason: string }[] = [];
  const opened: PyramidReader[] = [];
  const open = async (path: string, label: string): Promise<PyramidReader | undefined> => {
    try {
      const reader = await openPyramid(path);
      opened.push(reader);
      return reader;
    } catch (error) {
      skipped.push({ file: label, reason: (error as Error).message });
      return undefined;
    }
  };
  try {
    const groups = groupRasters(listRasters(root));
    const layers: Layer[] = [];
    let base: BaseMap | undefined;
    if (options.dem) {
      const reader = await open(resolve(options.dem), options.dem);
      if (!reader)
        throw new InputError(`cannot read the DEM: ${skipped.at(-1)?.reason}`, { file: options.dem });
      base = { source: basename(options.dem), reader, from: "dem" };
    }
    let crs: Crs | undefined = base?.reader.info.crs;
    for (const group of groups) {
      const files: LayerFile[] = [];
      for (const file of group.files) {
        const reader = await open(join(root, file.rel), file.rel);
        if (!reader) continue;
        const problem = gridProblem(reader, crs);
        if (problem) {
          skipped.push({ file: file.rel, reason: problem });
          continue;
        }
        crs ??= reader.info.crs;
        files.push({ ...file, reader });
      }
      if (files.length === 0) continue;
      if (!base && isElevation(group.name) && files.length === 1)
        base = { source: files[0].rel, reader: files[0].reader, from: "dem" };
      const style = styleOf(group.name);
      layers.push({ id: "", title: style.title, style, legend: await legendFor(style, files), files });
    }
    base ??= slopeShading(layers);
    if (layers.length === 0 && !base) {
      const why = skipped.length ? ` (${skipped.map((s) => `${s.file}: ${s.reason}`).join("; ")})` : "";
      throw new InputError(`holds no GeoTIFF the dashboard can show${why}`, { file: root });
    }
    nameLayers(layers, groups);
    const grids = [
      ...layers.flatMap((l) => l.files.map((f) => f.reader.levels[0])),
      ...(base ? [base.reader.levels[0]] : []),
    ];
    const scenarioTable = readScenarioRows(root);
    const scenarioIds = [
      ...new Set(layers.flatMap((l) => l.files.map((f) => f.scenario).filter((s) => s !== null))),
    ];
    return {
      root,
      name: basename(root),
      crs: crs!,
      layers: layers.sort(
        (a, b) =>
          a.style.order - b.style.order || a.title.localeCompare(b.title, undefined, { numeric: true }),
      ),
      base,
      tileGrid: tileGridFor(grids),
      scenarios: scenariosWithMaps(scenarioTable, scenarioIds),
      scenarioTable,
      skipped,
      documents: listDocuments(root),
      close: () => {
        for (const reader of opened) reader.close();
      },
    };
  } catch (error) {
    for (const reader of opened) reader.close();
    throw error;
  }
}

function slopeShading(layers: Layer[]): BaseMap | undefined {
  const slope = layers.find((l) => l.style.kind === "slope" && l.files.length === 1);
  return (
    slope && { source: `${slope.files[0].rel} (slope shading)`, reader: slope.files[0].reader, from: "slope" }
  );
}

/** Layers share one map: same CRS, north up. */
function gridProblem(reader: PyramidReader, crs: Crs | undefined): string | undefined {
  const [, , rx, , ry] = reader.info.transform;
  if (rx !== 0 || ry !== 0) return "rotated or sheared grid (warp it north-up with gdalwarp)";
  if (crs && (crs.epsg !== reader.info.crs.epsg || crs.geographic !== reader.info.crs.geographic)) {
    return `CRS EPSG:${reader.info.crs.epsg ?? "?"} differs from the other layers' EPSG:${crs.epsg ?? "?"}`;
  }
  return undefined;
}

/**
 * Ids from the layer's key (`dn_cm.tif` → `dn_cm`, `scenario_*_dn_cm.tif` → `scenario_each_dn_cm`);
 * layers whose titles would be the same (two runs' susceptibility maps) get their key appended.
 */
function nameLayers(layers: Layer[], groups: ReturnType<typeof groupRasters>): void {
  const keyOf = new Map(groups.flatMap((g) => g.files.map((f) => [f.rel, g.key] as const)));
  const used = new Set<string>();
  const titles = new Map<string, number>();
  for (const layer of layers) titles.set(layer.title, (titles.get(layer.title) ?? 0) + 1);
  for (const layer of layers) {
    const key = keyOf.get(layer.files[0].rel) ?? layer.files[0].rel;
    const bare = key.replace(/\.tiff?$/i, "");
    let id = bare
      .replace(/\*/g, "each")
      .replace(/[^A-Za-z0-9_]+/g, "-")
      .replace(/^-|-$/g, "");
    while (used.has(id)) id += "_";
    used.add(id);
    layer.id = id;
    if (layer.style.kind === "other") layer.title = bare;
    else if ((titles.get(layer.title) ?? 0) > 1) layer.title = `${layer.title} — ${bare}`;
  }
}
