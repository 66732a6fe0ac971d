import { exceedanceByScenario } from "../exceedance.ts";
import { json, type Route } from "./route.ts";

/** GET /api/exceedance — per scenario, the share of cells past each D_N threshold (null for a single run). */
export const exceedanceRoute: Route = {
  name: "exceedance",
  pattern: /^\/api\/exceedance$/,
  async handle(context) {
    let series = context.memo.get("exceedance");
    if (!series) {
      series = exceedanceByScenario(context.catalog);
      context.memo.set("exceedance", series);
    }
    return json(await series);
  },
};
