import type { Grid } from "../../core/raster/types.ts";
import type { TileGridInfo as TileGrid } from "../api-types.ts";

/**
 * The dashboard's tile pyramid, in the rasters' own CRS (no reprojection, so a clicked point is
 * exactly a cell of each COG): zoom 0 is one 256-pixel tile over the whole extent, each zoom
 * halves the pixel size, and the deepest zoom shows a cell of the finest raster as 4x4 pixels.
 * The page's map uses the same numbers (served by /api/layers) for its coordinate system.
 */
export type { TileGrid };

export interface TileBox {
  /** CRS coordinates of the tile's left and top edges. */
  left: number;
  top: number;
  /** CRS units per tile pixel. */
  pixelSize: number;
  size: number;
}

const TILE_SIZE = 256;
/** Zooms past one pixel per finest cell: 2 more, so a cell is 4x4 pixels and easy to click. */
const EXTRA_ZOOM = 2;

/** Bounds of a north-up grid: [xmin, ymin, xmax, ymax]. */
export function gridBounds(grid: Grid): [number, number, number, number] {
  const [ox, px, , oy, , py] = grid.transform;
  const x1 = ox + grid.width * px;
  const y1 = oy + grid.height * py;
  return [Math.min(ox, x1), Math.min(oy, y1), Math.max(ox, x1), Math.max(oy, y1)];
}

/** The pyramid over the union of the grids' extents, deep enough for the finest cell. */
export function tileGridFor(grids: Grid[]): TileGrid {
  if (grids.length === 0) throw new Error("tileGridFor: no grids");
  const all = grids.map(gridBounds);
  const bounds: [number, number, number, number] = [
    Math.min(...all.map((b) => b[0])),
    Math.min(...all.map((b) => b[1])),
    Math.max(...all.map((b) => b[2])),
    Math.max(...all.map((b) => b[3])),
  ];
  const extent = Math.max(bounds[2] - bounds[0], bounds[3] - bounds[1]);
  const resolution0 = extent / TILE_SIZE;
  const finestCell = Math.min(...grids.map((g) => Math.abs(g.transform[1])));
  const nativeZoom = Math.max(0, Math.ceil(Math.log2(resolution0 / finestCell)));
  return {
    originX: bounds[0],
    originY: bounds[3],
    resolution0,
    tileSize: TILE_SIZE,
    maxZoom: nativeZoom + EXTRA_ZOOM,
    bounds,
  };
}

/** The CRS box of tile (z, x, y); undefined for a zoom or index the pyramid does not have. */
export function tileBox(grid: TileGrid, z: number, x: number, y: number): TileBox | undefined {
  if (![z, x, y].every(Number.isInteger) || z < 0 || z > grid.maxZoom || x < 0 || y < 0) return undefined;
  const tilesAcross = 2 ** z;
  if (x >= tilesAcross || y >= tilesAcross) return undefined;
  const pixelSize = grid.resolution0 / tilesAcross;
  return {
    left: grid.originX + x * grid.tileSize * pixelSize,
    top: grid.originY - y * grid.tileSize * pixelSize,
    pixelSize,
    size: grid.tileSize,
  };
}

/**
 * The coarsest level whose cells are no larger than a tile pixel (each pixel then covers one to
 * two cells); level 0 when zoomed in past the raster's own resolution.
 */
export function levelFor(levels: Grid[], pixelSize: number): number {
  let chosen = 0;
  for (let k = 1; k < levels.length; k++) {
    if (Math.abs(levels[k].transform[1]) <= pixelSize * (1 + 1e-9)) chosen = k;
  }
  return chosen;
}

/** The window of `level` (clamped to it) that covers a tile box; undefined when they do not meet. */
export function windowFor(
  level: Grid,
  box: TileBox,
): { x0: number; y0: number; width: number; height: number } | undefined {
  const [ox, px, , oy, , py] = level.transform;
  const right = box.left + box.size * box.pixelSize;
  const bottom = box.top - box.size * box.pixelSize;
  const cols = [(box.left - ox) / px, (right - ox) / px];
  const rows = [(box.top - oy) / py, (bottom - oy) / py];
  const x0 = Math.max(0, Math.floor(Math.min(...cols)));
  const x1 = Math.min(level.width, Math.ceil(Math.max(...cols)));
  const y0 = Math.max(0, Math.floor(Math.min(...rows)));
  const y1 = Math.min(level.height, Math.ceil(Math.max(...rows)));
  if (x1 <= x0 || y1 <= y0) return undefined;
  return { x0, y0, width: x1 - x0, height: y1 - y0 };
}
