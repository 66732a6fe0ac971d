import { HAZARD_CLASS_NAMES } from "../../core/hazard/classes.ts";
import type { RampName } from "../../core/raster/ramps.ts";

/**
 * How the dashboard draws a raster, recognised from its file name (the names the steps write:
 * susceptibility.tif, ac.tif, dn_cm.tif, pf.tif, hazard*.tif, exceedance*.tif, ...). Ranges and
 * ramps follow the steps' own PNG previews, so the map and the preview beside each COG agree.
 */
export interface LayerStyle {
  kind: string;
  title: string;
  units: string;
  ramp: RampName;
  /** Fixed legend range; without it the 2nd-98th percentile of the data. */
  range?: [number, number];
  /** Integer classes drawn with one colour each instead of a ramp. */
  categorical?: boolean;
  /** Names of the classes of a categorical layer, by value; otherwise the values found are listed. */
  classLabels?: Record<number, string>;
  /**
   * Cells at the range's minimum (no displacement, no probability) left clear, so the hillshade
   * shows through everywhere nothing happens and the map shows where something does.
   */
  clearAtMin?: boolean;
  /** Lower sorts first in the layer list; the dashboard's primary layers come first. */
  order: number;
}

interface KindRule extends LayerStyle {
  match: RegExp;
}

// Tried in order against the file's base name (without .tif); the first match wins.
const RULES: KindRule[] = [
  {
    match: /hazard/i,
    kind: "hazard",
    title: "Hazard class",
    units: "class",
    ramp: "magma",
    categorical: true,
    // The hazard step's classes (core/hazard/classes.ts): 1 low .. 4 very high.
    classLabels: Object.fromEntries(HAZARD_CLASS_NAMES.map((name, i) => [i + 1, `${i + 1} ${name}`])),
    order: 0,
  },
  {
    // The campaign's per-cell exceedance maps (p_dn_gt_5cm.tif) and other exceedance rasters.
    match: /exceed|^p_dn_gt_/i,
    kind: "exceedance",
    title: "Exceedance probability",
    units: "probability",
    ramp: "magma",
    range: [0, 1],
    clearAtMin: true,
    order: 1,
  },
  {
    match: /^pf($|_)/i,
    kind: "pf",
    title: "Probability of failure P(f)",
    units: "-",
    ramp: "magma",
    range: [0, 0.335],
    clearAtMin: true,
    order: 2,
  },
  {
    match: /^dn/i,
    kind: "dn",
    title: "Newmark displacement D_N",
    units: "cm",
    ramp: "magma",
    // As the newmark-map preview: statically unstable cells slide metres and would hide the rest.
    range: [0, 30],
    clearAtMin: true,
    order: 3,
  },
  {
    match: /^ac$/i,
    kind: "ac",
    title: "Critical acceleration a_c",
    units: "g",
    ramp: "viridis",
    order: 4,
  },
  {
    match: /^ac_sd$/i,
    kind: "ac-sd",
    title: "Standard deviation of a_c",
    units: "g",
    ramp: "viridis",
    order: 9,
  },
  {
    match: /^pfs$/i,
    kind: "pfs",
    title: "Probability of static failure P(FS < 1)",
    units: "probability",
    ramp: "magma",
    range: [0, 1],
    clearAtMin: true,
    order: 6,
  },
  {
    match: /susceptib/i,
    kind: "susceptibility",
    title: "Susceptibility",
    units: "probability",
    ramp: "viridis",
    range: [0, 1],
    order: 5,
  },
  {
    match: /^fs($|_)/i,
    kind: "fs",
    title: "Factor of safety",
    units: "-",
    ramp: "diverging",
    range: [0, 2],
    order: 6,
  },
  { match: /^pga/i, kind: "pga", title: "Peak ground acceleration", units: "g", ramp: "magma", order: 7 },
  { match: /^pgv/i, kind: "pgv", title: "Peak ground velocity", units: "cm/s", ramp: "magma", order: 8 },
  { match: /^slope/i, kind: "slope", title: "Slope", units: "degrees", ramp: "viridis", order: 10 },
  {
    match: /^aspect/i,
    kind: "aspect",
    title: "Aspect",
    units: "degrees from north",
    ramp: "viridis",
    range: [0, 360],
    order: 11,
  },
  {
    match: /^unstable$/i,
    kind: "unstable",
    title: "Statically unstable",
    units: "",
    ramp: "greys",
    categorical: true,
    classLabels: { 0: "stable (FS ≥ 1)", 1: "unstable (FS < 1)" },
    order: 13,
  },
  // The kriged soil parameter of a run, named after the stability option it became, and its variance.
  {
    match: /_variance$/i,
    kind: "variance",
    title: "Kriging variance",
    units: "",
    ramp: "viridis",
    order: 15,
  },
  {
    match: /^cohesion$/i,
    kind: "soil",
    title: "Cohesion c' (kriged)",
    units: "kPa",
    ramp: "viridis",
    order: 14,
  },
  {
    match: /^frictionAngle$/i,
    kind: "soil",
    title: "Friction angle φ' (kriged)",
    units: "degrees",
    ramp: "viridis",
    order: 14,
  },
  {
    match: /^unitWeight$/i,
    kind: "soil",
    title: "Unit weight γ (kriged)",
    units: "kN/m³",
    ramp: "viridis",
    order: 14,
  },
  {
    match: /^thickness$/i,
    kind: "soil",
    title: "Soil thickness t (kriged)",
    units: "m",
    ramp: "viridis",
    order: 14,
  },
  {
    match: /^saturation$/i,
    kind: "soil",
    title: "Saturation m (kriged)",
    units: "-",
    ramp: "viridis",
    order: 14,
  },
  { match: /^(dem|elev)/i, kind: "elevation", title: "Elevation", units: "m", ramp: "terrain", order: 12 },
];

const OTHER: LayerStyle = { kind: "other", title: "", units: "", ramp: "viridis", order: 20 };

/** Titles of the campaign's statistics maps, which share a kind with the maps they summarise. */
const TITLES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^p_dn_gt_(\d+(?:p\d+)?)cm$/i, (m) => `P(D_N > ${m[1].replace("p", ".")} cm) over the scenarios`],
  [/^dn_mean_cm$/i, () => "Mean D_N over the scenarios"],
  [/^dn_p90_cm$/i, () => "90th percentile of D_N over the scenarios"],
  [/^(.+)_variance$/i, (m) => `Kriging variance of ${m[1]} (its units squared)`],
];

/** The style of a raster from its base name; unknown names get a viridis ramp and their own name. */
export function styleOf(baseName: string): LayerStyle {
  const rule = RULES.find((r) => r.match.test(baseName));
  if (!rule) return { ...OTHER, title: baseName };
  const { match: _match, ...style } = rule;
  for (const [pattern, title] of TITLES) {
    const match = pattern.exec(baseName);
    if (match) return { ...style, title: title(match) };
  }
  return style;
}

/** Kinds whose files can serve as the hillshade's elevation. */
export function isElevation(baseName: string): boolean {
  return styleOf(baseName).kind === "elevation";
}
