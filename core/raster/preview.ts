import type { Grid } from "./types.ts";

export interface PreviewOptions {
  ramp?: "viridis" | "magma" | "terrain" | "diverging" | "greys";
  title?: string;
  units?: string;
  min?: number;
  max?: number;
}

export async function writePreviewPng(
  path: string,
  band: Float32Array,
  grid: Grid,
  options: PreviewOptions = {},
): Promise<void> {
  void path;
  void band;
  void grid;
  void options;
}
