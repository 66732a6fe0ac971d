// Is dist/ built from the sources as they are now? scripts/build.ts records, in dist/build.json,
// the size, modification time and SHA-256 of every file that went into the bundles; the bin
// checks them before each run. Checking costs one stat per file (~200 files, a few ms); a file
// is hashed only when its time changed but not its size (a checkout or `touch` that left it
// identical), so the answer is exact, not a guess from timestamps.
import { createHash } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

function sha256(path) {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/**
 * Size, modification time and SHA-256 of each file (paths relative to `root`), or only the
 * hashes with `hashOnly` (a fingerprint that does not change when a file is merely touched).
 */
export function fingerprintFiles(root, files, { hashOnly = false } = {}) {
  const entries = files.map((file) => {
    const path = join(root, file);
    if (hashOnly) return [file, sha256(path)];
    const { size, mtimeMs } = statSync(path);
    return [file, { size, mtimeMs, sha256: sha256(path) }];
  });
  return Object.fromEntries(entries);
}

/** Writes the build manifest: the fingerprint of every input of the build. */
export function writeBuildManifest(root, manifestPath, files) {
  const manifest = {
    builtAt: new Date().toISOString(),
    node: process.version,
    inputs: fingerprintFiles(root, files),
  };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 1)}\n`);
}

/**
 * Why the build recorded in `manifestPath` does not match the files under `root`, or undefined
 * when it does: "dist/ is not built", "core/x.ts changed", "core/x.ts is gone".
 */
export function staleInput(root, manifestPath) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch {
    return "dist/ is not built";
  }
  const prefix = root.endsWith("/") ? root : `${root}/`;
  for (const [file, recorded] of Object.entries(manifest.inputs ?? {})) {
    const path = prefix + file; // a concatenation: path.join costs more than the stat, 200 times
    const now = statSync(path, { throwIfNoEntry: false });
    if (!now) return `${file} is gone`;
    if (now.size !== recorded.size) return `${file} changed`;
    if (now.mtimeMs !== recorded.mtimeMs && sha256(path) !== recorded.sha256) return `${file} changed`;
  }
  return undefined;
}
