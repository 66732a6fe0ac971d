import { valuesAt } from "../cell-values.ts";
import { badRequest, json, numberParam, type Route } from "./route.ts";

/** GET /api/cell?x=&y=[&scenario=] — every layer's value at a map point (CRS units). */
export const cellRoute: Route = {
  name: "cell",
  pattern: /^\/api\/cell$/,
  async handle({ catalog }, _params, url) {
    const x = numberParam(url, "x");
    const y = numberParam(url, "y");
    if (x === undefined || y === undefined)
      return badRequest("x and y (map coordinates in the rasters' CRS) are required");
    return json(await valuesAt(catalog, x, y, url.searchParams.get("scenario")));
  },
};
