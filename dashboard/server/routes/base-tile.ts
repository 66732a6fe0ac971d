import { baseTile, TileNotFound } from "../tiles.ts";
import { notFound, type Route } from "./route.ts";

/** GET /basemap/{z}/{x}/{y}.png — the hillshade of the run's DEM, computed per tile. */
export const baseTileRoute: Route = {
  name: "base-tile",
  pattern: /^\/basemap\/(\d{1,2})\/(\d{1,7})\/(\d{1,7})\.png$/,
  async handle({ catalog }, [z, x, y]) {
    if (!catalog.base) return notFound("the run has no elevation raster for a hillshade (see --dem)");
    try {
      const body = await baseTile(catalog, catalog.base, Number(z), Number(x), Number(y));
      return { type: "image/png", body, headers: { "cache-control": "no-cache" } };
    } catch (error) {
      if (error instanceof TileNotFound) return notFound(error.message);
      throw error;
    }
  },
};
