import { open, realpath, stat } from "node:fs/promises";
import { extname, join, sep } from "node:path";
import { notFound, type Reply, type Route } from "./route.ts";

const TYPES: Record<string, string> = {
  ".tif": "image/tiff",
  ".tiff": "image/tiff",
  ".png": "image/png",
  ".json": "application/json; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * GET /files/{path} — a file of the run folder (report, manifest, COGs for QGIS or GDAL's
 * /vsicurl/, which read COGs by range requests: a single `Range: bytes=a-b` is honoured).
 * Only regular files inside the run folder: no `..`, no hidden names, no link leading out.
 * Served HTML (the run's report) is sandboxed: it runs no script and reaches no network.
 */
export const fileRoute: Route = {
  name: "file",
  pattern: /^\/files\/(.+)$/,
  async handle({ catalog }, [encoded], _url, headers) {
    const path = await resolveInside(catalog.root, encoded);
    if (!path) return notFound();
    const type = TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
    const size = (await stat(path)).size;
    const range = parseRange(headers.range, size);
    if (range === "invalid") {
      return {
        status: 416,
        type: "text/plain; charset=utf-8",
        body: "range not satisfiable\n",
        headers: { "content-range": `bytes */${size}` },
      };
    }
    const [start, end] = range ?? [0, size - 1];
    const body = await readBytes(path, start, end);
    const reply: Reply = {
      status: range ? 206 : 200,
      type,
      body,
      headers: {
        "accept-ranges": "bytes",
        "cache-control": "no-cache",
        ...(range ? { "content-range": `bytes ${start}-${end}/${size}` } : {}),
      },
    };
    if (type.startsWith("text/html")) {
      reply.headers!["content-security-policy"] =
        "sandbox; default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'";
    }
    return reply;
  },
};

/** The real path of a run-folder file named by a URL path, or undefined if it is not one. */
export async function resolveInside(root: string, encoded: string): Promise<string | undefined> {
  let parts: string[];
  try {
    parts = encoded.split("/").map(decodeURIComponent);
  } catch {
    return undefined;
  }
  if (
    parts.some(
      (p) => p === "" || p.startsWith(".") || p.includes("/") || p.includes("\\") || p.includes("\0"),
    )
  )
    return undefined;
  try {
    const realRoot = await realpath(root);
    const real = await realpath(join(realRoot, ...parts));
    if (!real.startsWith(realRoot + sep)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

function parseRange(
  header: string | string[] | undefined,
  size: number,
): [number, number] | "invalid" | undefined {
  if (typeof header !== "string") return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return undefined; // several ranges or odd syntax: whole file
  let start: number;
  let end: number;
  if (match[1] === "") {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(size - 1, Number(match[2]));
  }
  return start > end || start >= size ? "invalid" : [start, end];
}

async function readBytes(path: string, start: number, end: number): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(end - start + 1);
    await handle.read(buffer, 0, buffer.length, start);
    return buffer;
  } finally {
    await handle.close();
  }
}
