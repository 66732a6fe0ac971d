import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import { styleOf } from "./layer-kinds.ts";

/**
 * Which rasters a run folder holds, and how files of one name in sibling folders are the same
 * layer under several scenarios (campaigns/<id>/scenarios/<scenario>/dn_cm.tif). The manifest
 * is the source when it lists outputs (the run's commit point names exactly what it produced);
 * otherwise the folder is walked. Paths are relative to the run folder, with `/`.
 */
export interface RasterGroup {
  /** The layer's key: the relative path with the scenario segment(s) replaced by `*`. */
  key: string;
  /** File base name without `.tif` (what the layer's style is recognised from). */
  name: string;
  /** One file per scenario; `scenario` is null for a layer that has only one file. */
  files: { rel: string; scenario: string | null }[];
}

const MAX_DEPTH = 8;
const MAX_FILES = 2000;

/** Relative paths of the GeoTIFFs of a run folder, from its manifest or by walking it. */
export function listRasters(root: string): string[] {
  const fromManifest = manifestRasters(root);
  if (fromManifest.length > 0) return fromManifest;
  const found: string[] = [];
  walk(root, root, 0, found);
  return found.sort();
}

function manifestRasters(root: string): string[] {
  const path = join(root, "manifest.json");
  if (!existsSync(path)) return [];
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return []; // a manifest we cannot read: the files present still show
  }
  const outputs = (manifest as { outputs?: unknown }).outputs;
  const names = Array.isArray(outputs)
    ? outputs.map((o) =>
        typeof o === "string"
          ? o
          : ((o as { path?: string; name?: string }).path ?? (o as { name?: string }).name),
      )
    : outputs && typeof outputs === "object"
      ? Object.keys(outputs)
      : [];
  return names
    .filter((n): n is string => typeof n === "string" && /\.tiff?$/i.test(n))
    .map((n) =>
      n
        .split("\\")
        .join("/")
        .replace(/^\.?\//, ""),
    )
    .filter((n) => isInside(n) && existsSync(join(root, n)))
    .sort();
}

function isInside(rel: string): boolean {
  return !rel.split("/").some((part) => part === ".." || part === "") && !rel.startsWith("/");
}

function walk(root: string, dir: string, depth: number, found: string[]): void {
  if (depth > MAX_DEPTH || found.length >= MAX_FILES) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    // Symbolic links are not followed: the dashboard serves what is inside the run folder only.
    if (entry.isDirectory()) walk(root, path, depth + 1, found);
    else if (entry.isFile() && /\.tiff?$/i.test(entry.name) && statSync(path).size > 0) {
      found.push(relative(root, path).split(sep).join("/"));
      if (found.length >= MAX_FILES) return;
    }
  }
}

/**
 * Files of the run a reader opens beside the map: the report(s), the manifest, summaries and
 * tables, at the top of the run folder or one folder down.
 */
export function listDocuments(root: string): string[] {
  const found: string[] = [];
  const add = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory() && depth < 1) add(path, depth + 1);
      else if (
        entry.isFile() &&
        (/\.(html|csv)$/i.test(entry.name) || (depth === 0 && /\.json$/i.test(entry.name)))
      )
        found.push(relative(root, path).split(sep).join("/"));
    }
  };
  add(root, 0);
  return found;
}

/**
 * Groups files that share a base name and a folder depth and differ in exactly one folder
 * segment: that segment names the scenario. Everything else is a layer of its own.
 */
export function groupRasters(rels: string[]): RasterGroup[] {
  const named = scenarioNamedGroups(rels);
  const inNamed = new Set(named.flatMap((g) => g.files.map((f) => f.rel)));
  const byShape = new Map<string, string[]>();
  for (const rel of rels.filter((r) => !inNamed.has(r))) {
    const shape = `${rel.split("/").length}:${basename(rel)}`;
    byShape.set(shape, [...(byShape.get(shape) ?? []), rel]);
  }
  const groups: RasterGroup[] = [];
  for (const members of byShape.values()) {
    const name = basename(members[0]).replace(/\.tiff?$/i, "");
    const varying = varyingSegment(members);
    if (members.length === 1 || varying === undefined) {
      for (const rel of members) groups.push({ key: rel, name, files: [{ rel, scenario: null }] });
      continue;
    }
    const parts = members[0].split("/");
    parts[varying] = "*";
    groups.push({
      key: parts.join("/"),
      name,
      files: members.map((rel) => ({ rel, scenario: rel.split("/")[varying] })),
    });
  }
  return [...groups, ...named].sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * Maps of one folder named `scenario_<id>_<layer>.tif` (a campaign's per-scenario maps): one
 * layer per `<layer>`, the id naming the scenario. Ids may hold `_`: the split is the one whose
 * `<layer>` part is a name the dashboard knows (dn_cm, pf, ...).
 */
function scenarioNamedGroups(rels: string[]): RasterGroup[] {
  const groups = new Map<string, RasterGroup>();
  for (const rel of rels) {
    const base = basename(rel).replace(/\.tiff?$/i, "");
    const match = /^scenario_(.+)$/.exec(base);
    if (!match) continue;
    const parts = match[1].split("_");
    for (let cut = 1; cut < parts.length; cut++) {
      const name = parts.slice(cut).join("_");
      if (styleOf(name).kind === "other") continue;
      const folder = dirname(rel) === "." ? "" : `${dirname(rel)}/`;
      const key = `${folder}scenario_*_${name}.tif`;
      const group = groups.get(key) ?? { key, name, files: [] };
      group.files.push({ rel, scenario: parts.slice(0, cut).join("_") });
      groups.set(key, group);
      break;
    }
  }
  return [...groups.values()];
}

/** The index of the one folder segment in which the paths differ; undefined if not exactly one. */
function varyingSegment(rels: string[]): number | undefined {
  const split = rels.map((r) => dirname(r).split("/"));
  const differing: number[] = [];
  for (let i = 0; i < split[0].length; i++) {
    if (split.some((parts) => parts[i] !== split[0][i])) differing.push(i);
  }
  return differing.length === 1 ? differing[0] : undefined;
}
