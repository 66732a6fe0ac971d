// The JSON the dashboard's server sends and its page reads: one definition for both sides (no
// imports, so the page's DOM-only compilation can include it).

export type Legend =
  | {
      type: "ramp";
      min: number;
      max: number;
      units: string;
      colours: string[];
      /** Cells at `min` are drawn clear (nothing happens there), not in the first colour. */
      clearAtMin: boolean;
    }
  | { type: "classes"; units: string; classes: { value: number; label: string; colour: string }[] };

export interface TileGridInfo {
  /** Top-left corner of tile (0, 0) at every zoom, CRS units. */
  originX: number;
  originY: number;
  /** CRS units per pixel at zoom 0. */
  resolution0: number;
  tileSize: number;
  maxZoom: number;
  /** The extent covered by the rasters: [xmin, ymin, xmax, ymax]. */
  bounds: [number, number, number, number];
}

export interface LayerInfo {
  id: string;
  title: string;
  kind: string;
  units: string;
  legend: Legend;
  /** The run-folder paths of its files (one per scenario for a campaign layer). */
  files: string[];
  /** Scenario ids it has a map for; empty for a layer of a single run. */
  scenarios: string[];
}

export interface ScenarioInfo {
  id: string;
  mw?: number;
}

export interface DashboardInfo {
  name: string;
  crs: { epsg?: number; geographic: boolean };
  tileGrid: TileGridInfo;
  /** The hillshade's source file, or null when the run has no elevation. */
  base: { source: string } | null;
  layers: LayerInfo[];
  scenarios: ScenarioInfo[];
  skipped: { file: string; reason: string }[];
  /** Other files of the run worth opening (report.html, manifest.json), as /files/ paths. */
  documents: string[];
}

export interface CellValue {
  layer: string;
  title: string;
  units: string;
  /** The COG's value at the cell; null for nodata or outside the raster. */
  value: number | null;
  col: number;
  row: number;
}

export interface CellValues {
  x: number;
  y: number;
  scenario: string | null;
  values: CellValue[];
  /** For layers with one map per scenario: the cell's value under each scenario. */
  perScenario: {
    layer: string;
    kind: string;
    title: string;
    units: string;
    values: { scenario: string; mw?: number; value: number | null }[];
  }[];
}

export interface ExceedanceSeries {
  /** The per-scenario D_N layer the shares come from; null when the campaign wrote no such maps. */
  layer: string | null;
  /** D_N thresholds, cm. */
  thresholdsCm: number[];
  /** Per scenario with a D_N map: the share of mapped cells whose D_N exceeds each threshold. */
  points: { scenario: string; mw?: number; fractions: number[] }[];
  /** Every scenario of the campaign's table: its landslide area (the campaign's D_N threshold). */
  landslideArea: { scenario: string; mw?: number; hectares: number }[];
}
