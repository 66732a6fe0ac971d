// Types of dist-check.mjs (plain JavaScript: the bin runs it before any TypeScript loader).

export interface InputFingerprint {
  size: number;
  mtimeMs: number;
  sha256: string;
}

export function fingerprintFiles(
  root: string,
  files: string[],
  options: { hashOnly: true },
): Record<string, string>;
export function fingerprintFiles(
  root: string,
  files: string[],
  options?: { hashOnly?: false },
): Record<string, InputFingerprint>;

export function writeBuildManifest(root: string, manifestPath: string, files: string[]): void;

export function staleInput(root: string, manifestPath: string): string | undefined;
