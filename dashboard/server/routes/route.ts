import type { Catalog } from "../catalog.ts";

/** What a route answers: a body with its type; the server adds the security headers. */
export interface Reply {
  status?: number;
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

export interface RouteContext {
  catalog: Catalog;
  /** The page's bundled script and styles, by file name. */
  assets: Map<string, { type: string; body: Buffer }>;
  /** Results computed once per server (e.g. the exceedance series). */
  memo: Map<string, Promise<unknown>>;
}

/** One route per file (as linz/basemaps' lambda-tiler): a GET path pattern and a thin handler. */
export interface Route {
  name: string;
  pattern: RegExp;
  handle(
    context: RouteContext,
    params: string[],
    url: URL,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<Reply>;
}

export function json(value: unknown, status = 200): Reply {
  return {
    status,
    type: "application/json; charset=utf-8",
    body: JSON.stringify(value),
    headers: { "cache-control": "no-store" },
  };
}

export function notFound(message = "not found"): Reply {
  return { status: 404, type: "text/plain; charset=utf-8", body: `${message}\n` };
}

export function badRequest(message: string): Reply {
  return { status: 400, type: "text/plain; charset=utf-8", body: `${message}\n` };
}

/** A finite number from a query parameter, or undefined. */
export function numberParam(url: URL, name: string): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null || text.trim() === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
