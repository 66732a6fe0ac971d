import type { DashboardInfo } from "../../api-types.ts";
import { json, type Route } from "./route.ts";

/** GET /api/layers — the run's layers, legends, scenarios and tile grid, as the page needs them. */
export const layersRoute: Route = {
  name: "layers",
  pattern: /^\/api\/layers$/,
  async handle({ catalog }) {
    const info: DashboardInfo = {
      name: catalog.name,
      crs: { epsg: catalog.crs.epsg, geographic: catalog.crs.geographic },
      tileGrid: catalog.tileGrid,
      base: catalog.base ? { source: catalog.base.source } : null,
      layers: catalog.layers.map((layer) => ({
        id: layer.id,
        title: layer.title,
        kind: layer.style.kind,
        units: layer.style.units,
        legend: layer.legend,
        files: layer.files.map((f) => f.rel),
        scenarios: layer.files.flatMap((f) => (f.scenario === null ? [] : [f.scenario])),
      })),
      scenarios: catalog.scenarios,
      skipped: catalog.skipped,
      documents: catalog.documents,
    };
    return json(info);
  },
};
