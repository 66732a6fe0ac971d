import type { Footprint } from "./report.ts";

export interface ManifestFile {
  uri: string;
  sha256: string;
  /** The step output this file is a copy of (absent for files the publisher wrote). */
  source?: string;
}

export interface ProductManifest {
  type: "quakeslide-product";
  version: 1;
  flow: string;
  execution: string;
  codeVersion: string;
  createdAt: string;
  product: string;
  inputs: Record<string, { uri: string; sha256: string; bytes: number }>;
  parameters: unknown;
  steps: Record<string, { runPrefix: string; manifest: string; seconds: number | null; reused: boolean }>;
  outputs: Record<string, ManifestFile>;
  /** The product as a STAC Item (1.0.0): footprint, time, one asset per file. */
  stac: unknown;
  /** What the state machine returned for this product (kept so that a repeat returns the same). */
  result: unknown;
}

const MEDIA_TYPES: Record<string, string> = {
  tif: "image/tiff; application=geotiff; profile=cloud-optimized",
  png: "image/png",
  html: "text/html",
  csv: "text/csv",
  json: "application/json",
};

/** A STAC Item for the product folder; assets are relative to the item (manifest.json). */
export function stacItem(
  id: string,
  datetime: string,
  footprint: Footprint | null,
  files: string[],
  properties: Record<string, unknown>,
) {
  const assets = Object.fromEntries(
    files.map((name) => {
      const extension = name.split(".").pop() ?? "";
      const roles = extension === "tif" ? ["data"] : extension === "png" ? ["overview"] : ["metadata"];
      return [
        name.replace(/\./g, "_"),
        { href: `./${name}`, type: MEDIA_TYPES[extension] ?? "application/octet-stream", roles },
      ];
    }),
  );
  return {
    type: "Feature",
    stac_version: "1.0.0",
    stac_extensions: footprint?.epsg
      ? ["https://stac-extensions.github.io/projection/v1.1.0/schema.json"]
      : [],
    id,
    bbox: footprint?.bbox ?? null,
    geometry: footprint ? { type: "Polygon", coordinates: [footprint.ring] } : null,
    properties: { datetime, ...(footprint?.epsg ? { "proj:epsg": footprint.epsg } : {}), ...properties },
    links: [],
    assets,
  };
}
