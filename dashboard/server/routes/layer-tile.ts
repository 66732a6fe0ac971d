import { layerTile, TileNotFound } from "../tiles.ts";
import { notFound, type Route } from "./route.ts";

/** GET /tiles/{layer}/{z}/{x}/{y}.png[?scenario=ID] — a PNG tile coloured as the layer's legend. */
export const layerTileRoute: Route = {
  name: "layer-tile",
  pattern: /^\/tiles\/([A-Za-z0-9_-]+)\/(\d{1,2})\/(\d{1,7})\/(\d{1,7})\.png$/,
  async handle({ catalog }, [id, z, x, y], url) {
    const layer = catalog.layers.find((l) => l.id === id);
    if (!layer) return notFound(`no layer ${id}`);
    try {
      const body = await layerTile(
        catalog,
        layer,
        url.searchParams.get("scenario"),
        Number(z),
        Number(x),
        Number(y),
      );
      return { type: "image/png", body, headers: { "cache-control": "no-cache" } };
    } catch (error) {
      if (error instanceof TileNotFound) return notFound(error.message);
      throw error;
    }
  },
};
