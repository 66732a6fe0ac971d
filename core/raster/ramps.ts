/** Colour ramps for previews, as evenly spaced RGB control points interpolated linearly. */
export type RampName = "viridis" | "magma" | "terrain" | "diverging" | "greys";

const RAMPS: Record<RampName, readonly (readonly [number, number, number])[]> = {
  // matplotlib's viridis and magma sampled at 0, 1/8, ..., 1.
  viridis: [
    [68, 1, 84],
    [71, 44, 122],
    [59, 81, 139],
    [44, 113, 142],
    [33, 144, 141],
    [39, 173, 129],
    [92, 200, 99],
    [170, 220, 50],
    [253, 231, 37],
  ],
  magma: [
    [0, 0, 4],
    [28, 16, 68],
    [79, 18, 123],
    [129, 37, 129],
    [181, 54, 122],
    [229, 80, 100],
    [251, 135, 97],
    [254, 194, 135],
    [252, 253, 191],
  ],
  terrain: [
    [51, 102, 153],
    [0, 153, 102],
    [102, 204, 102],
    [204, 230, 128],
    [230, 204, 128],
    [178, 140, 100],
    [140, 110, 90],
    [200, 190, 185],
    [255, 255, 255],
  ],
  // ColorBrewer RdBu reversed: blue for low, white in the middle, red for high.
  diverging: [
    [33, 102, 172],
    [103, 169, 207],
    [209, 229, 240],
    [247, 247, 247],
    [253, 219, 199],
    [239, 138, 98],
    [178, 24, 43],
  ],
  greys: [
    [0, 0, 0],
    [255, 255, 255],
  ],
};

/** A 256-entry RGB lookup table for a ramp, so that colouring a pixel is one table read. */
export function rampTable(name: RampName): Uint8Array {
  const stops = RAMPS[name];
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const position = (i / 255) * (stops.length - 1);
    const lower = Math.min(Math.floor(position), stops.length - 2);
    const t = position - lower;
    for (let channel = 0; channel < 3; channel++) {
      table[i * 3 + channel] = Math.round(stops[lower][channel] * (1 - t) + stops[lower + 1][channel] * t);
    }
  }
  return table;
}

export function isRampName(name: string): name is RampName {
  return name in RAMPS;
}
