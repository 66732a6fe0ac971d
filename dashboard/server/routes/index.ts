import { assetsRoute } from "./assets.ts";
import { baseTileRoute } from "./base-tile.ts";
import { cellRoute } from "./cell.ts";
import { exceedanceRoute } from "./exceedance.ts";
import { fileRoute } from "./file.ts";
import { layerTileRoute } from "./layer-tile.ts";
import { layersRoute } from "./layers.ts";
import { pageRoute } from "./page.ts";
import type { Route } from "./route.ts";

/** Every route of the dashboard, one per file; the first whose pattern matches answers. */
export const ROUTES: Route[] = [
  pageRoute,
  assetsRoute,
  layersRoute,
  layerTileRoute,
  baseTileRoute,
  cellRoute,
  exceedanceRoute,
  fileRoute,
];
