import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { bundlePage } from "./bundle.ts";
import { type Catalog, type CatalogOptions, openCatalog } from "./catalog.ts";
import { ROUTES } from "./routes/index.ts";
import type { Reply, RouteContext } from "./routes/route.ts";

export interface DashboardOptions extends CatalogOptions {
  /** The run (or campaign) output folder. */
  root: string;
  /** Interface to listen on; default 127.0.0.1 (this machine only). */
  host?: string;
  /** Port; 0 takes a free one. Default 8080. */
  port?: number;
}

export interface Dashboard {
  url: string;
  catalog: Catalog;
  close(): Promise<void>;
}

/**
 * Everything the page loads comes from here (no CDN, no tile server): the page may not reach
 * anything else, and tiles are plain same-origin images so the view exports to PNG.
 */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-resource-policy": "same-origin",
};

/** Starts the dashboard over a run folder; resolves once it listens. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const catalog = await openCatalog(options.root, options);
  const host = options.host ?? "127.0.0.1";
  try {
    const context: RouteContext = { catalog, assets: await bundlePage(), memo: new Map() };
    const server = createServer();
    let allowedHosts = new Set<string>();
    server.on("request", (request, response) => {
      answer(context, allowedHosts, request, response).catch((error: unknown) => {
        send(response, {
          status: 500,
          type: "text/plain; charset=utf-8",
          body: `${(error as Error).message}\n`,
        });
      });
    });
    const port = await listen(server, host, options.port ?? 8080);
    allowedHosts = new Set(hostNames(host).map((name) => `${name}:${port}`));
    const shown = host.includes(":") ? `[${host}]` : host;
    return {
      url: `http://${host === "0.0.0.0" || host === "::" ? "127.0.0.1" : shown}:${port}/`,
      catalog,
      close: async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        catalog.close();
      },
    };
  } catch (error) {
    catalog.close();
    throw error;
  }
}

/**
 * The Host header must name this server as the user reaches it: a page from another site that
 * points its own DNS name at 127.0.0.1 (DNS rebinding) then cannot read the run's data.
 */
function hostNames(host: string): string[] {
  const names = ["127.0.0.1", "localhost", "[::1]"];
  if (host === "0.0.0.0" || host === "::") return names; // other names: pass --host with the address itself
  return [...new Set([...names, host.includes(":") ? `[${host}]` : host])];
}

async function answer(
  context: RouteContext,
  allowedHosts: Set<string>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (!allowedHosts.has((request.headers.host ?? "").toLowerCase())) {
    return send(response, { status: 403, type: "text/plain; charset=utf-8", body: "host not allowed\n" });
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    return send(response, {
      status: 405,
      type: "text/plain; charset=utf-8",
      body: "only GET\n",
      headers: { allow: "GET, HEAD" },
    });
  }
  const url = new URL(request.url ?? "/", "http://dashboard.invalid");
  for (const route of ROUTES) {
    const match = route.pattern.exec(url.pathname);
    if (!match) continue;
    const reply = await route.handle(context, match.slice(1), url, request.headers);
    return send(response, reply, request.method === "HEAD");
  }
  send(response, { status: 404, type: "text/plain; charset=utf-8", body: "not found\n" });
}

function send(response: ServerResponse, reply: Reply, headOnly = false): void {
  const body = typeof reply.body === "string" ? Buffer.from(reply.body) : reply.body;
  response.writeHead(reply.status ?? 200, {
    ...SECURITY_HEADERS,
    "content-type": reply.type,
    "content-length": String(body.length),
    ...reply.headers,
  });
  response.end(headOnly ? undefined : body);
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
