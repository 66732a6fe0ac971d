import { readFile } from "node:fs/promises";
import type { Route } from "./route.ts";

const INDEX_HTML = new URL("../../web/index.html", import.meta.url);

/** GET / — the page; everything it loads comes from this server (no network). */
export const pageRoute: Route = {
  name: "page",
  pattern: /^\/$/,
  async handle() {
    return {
      type: "text/html; charset=utf-8",
      body: await readFile(INDEX_HTML),
      headers: { "cache-control": "no-cache" },
    };
  },
};
