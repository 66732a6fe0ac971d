import { notFound, type Route } from "./route.ts";

/** GET /assets/app.js, /assets/app.css — the page's script and styles, bundled at start-up. */
export const assetsRoute: Route = {
  name: "assets",
  pattern: /^\/assets\/([a-z0-9.-]+)$/,
  async handle(context, [name]) {
    const asset = context.assets.get(name);
    if (!asset) return notFound();
    return { type: asset.type, body: asset.body, headers: { "cache-control": "no-cache" } };
  },
};
