import * as L from "leaflet";
import type { DashboardInfo, LayerInfo } from "../api-types.ts";

/** The map, its hillshade base and one tile layer per run layer (added to the map when shown). */
export interface MapView {
  map: L.Map;
  base: L.TileLayer | null;
  overlays: Map<string, L.TileLayer>;
  /** Map coordinates (the rasters' CRS) of a Leaflet position, and back. */
  toCrs(latLng: L.LatLng): { x: number; y: number };
  toLatLng(x: number, y: number): L.LatLng;
  setScenario(scenario: string | null): void;
}

/**
 * A Leaflet map in the rasters' own CRS (no reprojection): a Leaflet "latitude" is the CRS y and
 * its "longitude" the CRS x, and zoom z shows resolution0 / 2^z CRS units per pixel, the same
 * pyramid the server cuts its tiles from (dashboard/server/tile-grid.ts).
 */
export function createMap(container: HTMLElement, info: DashboardInfo): MapView {
  const grid = info.tileGrid;
  const r = grid.resolution0;
  const crs = L.Util.extend({}, L.CRS.Simple, {
    transformation: new L.Transformation(1 / r, -grid.originX / r, -1 / r, grid.originY / r),
  }) as L.CRS;
  const [xmin, ymin, xmax, ymax] = grid.bounds;
  const bounds = L.latLngBounds([ymin, xmin], [ymax, xmax]);
  const map = L.map(container, {
    crs,
    minZoom: 0,
    maxZoom: grid.maxZoom,
    zoomSnap: 0.25,
    attributionControl: false,
    maxBounds: bounds.pad(0.5),
  });
  map.fitBounds(bounds);
  L.control.scale({ imperial: false, maxWidth: 150 }).addTo(map);
  const tileOptions = (className: string, zIndex: number, opacity: number): L.TileLayerOptions => ({
    tileSize: grid.tileSize,
    minZoom: 0,
    maxZoom: grid.maxZoom,
    maxNativeZoom: grid.maxZoom,
    noWrap: true,
    bounds,
    zIndex,
    opacity,
    keepBuffer: 1,
    className,
  });
  const base = info.base
    ? L.tileLayer("/basemap/{z}/{x}/{y}.png", tileOptions("layer-hillshade", 1, 1)).addTo(map)
    : null;
  let scenario: string | null = info.scenarios[0]?.id ?? null;
  const urlOf = (layer: LayerInfo) =>
    `/tiles/${layer.id}/{z}/{x}/{y}.png${layer.scenarios.length > 0 && scenario ? `?scenario=${encodeURIComponent(scenario)}` : ""}`;
  const overlays = new Map<string, L.TileLayer>();
  info.layers.forEach((layer, index) => {
    overlays.set(
      layer.id,
      L.tileLayer(urlOf(layer), tileOptions(`layer-${layer.id}`, 100 + info.layers.length - index, 0.8)),
    );
  });
  return {
    map,
    base,
    overlays,
    toCrs: (latLng) => ({ x: latLng.lng, y: latLng.lat }),
    toLatLng: (x, y) => L.latLng(y, x),
    setScenario(next) {
      scenario = next;
      for (const layer of info.layers) {
        const tiles = overlays.get(layer.id);
        if (layer.scenarios.length === 0 || !tiles) continue;
        // Not setUrl's redraw: at a fractional zoom it asks for tiles of that fractional zoom.
        // Re-adding the layer takes the map's rounded tile zoom, as any other view change does.
        tiles.setUrl(urlOf(layer), true);
        if (map.hasLayer(tiles)) tiles.remove().addTo(map);
      }
    },
  };
}
