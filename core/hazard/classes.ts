/**
 * Hazard classes from two layers with a class matrix, as qualitative landslide hazard zoning does
 * (Fell et al. 2008, Guidelines for landslide susceptibility, hazard and risk zoning, Eng. Geol.
 * 102; Corominas et al. 2014, Bull. Eng. Geol. Environ. 73): the physics layer says how likely the
 * scenario's shaking is to fail each slope, the data layer where landslides have happened.
 *
 * Physics: Newmark P(f) (Jibson, Harp & Michael 2000) in four classes whose breaks are the P(f) of
 * the displacement thresholds 1, 5 and 15 cm of Jibson & Michael (2009)'s hazard zones
 * (P(f) = 0.335 [1 - exp(-0.048 D_N^1.565)]: 0.0157, 0.150, 0.323).
 * Data: random-forest susceptibility in four classes at 0.25, 0.5, 0.75 of its score (the model is
 * trained on as many landslide as non-landslide points, so 0.5 is its even-odds threshold).
 * The matrix gives the scenario more weight than the inventory: a slope the event is expected to
 * fail is at least of moderate hazard whatever its susceptibility, and both must be high for
 * "very high". Every entry is non-decreasing along both axes, so hazard never falls when shaking
 * or susceptibility rises (checked in test/unit/hazard/).
 */

export const HAZARD_CLASS_NAMES = ["low", "moderate", "high", "very high"] as const;

/** P(f) of D_N = 1, 5, 15 cm. */
export const DEFAULT_PF_BREAKS = [0.0157, 0.15, 0.323] as const;
export const DEFAULT_SUSCEPTIBILITY_BREAKS = [0.25, 0.5, 0.75] as const;

/** Rows: P(f) class low..very high; columns: susceptibility class low..very high; values 1..4. */
export const DEFAULT_MATRIX: readonly (readonly number[])[] = [
  [1, 1, 1, 2],
  [2, 2, 2, 3],
  [2, 3, 3, 4],
  [3, 3, 4, 4],
];

/** Class 0..3 of a value given three increasing breaks (a value on a break goes up). */
export function classOf(value: number, breaks: readonly number[]): number {
  let k = 0;
  while (k < breaks.length && value >= breaks[k]) k++;
  return k;
}

/** Hazard class (1..4, NaN where either layer is nodata) of every cell. */
export function hazardClasses(
  pf: Float32Array,
  susceptibility: Float32Array,
  pfBreaks: readonly number[] = DEFAULT_PF_BREAKS,
  susceptibilityBreaks: readonly number[] = DEFAULT_SUSCEPTIBILITY_BREAKS,
  matrix: readonly (readonly number[])[] = DEFAULT_MATRIX,
): Float32Array {
  const classes = new Float32Array(pf.length);
  for (let i = 0; i < pf.length; i++) {
    const p = pf[i];
    const s = susceptibility[i];
    classes[i] =
      Number.isNaN(p) || Number.isNaN(s)
        ? Number.NaN
        : matrix[classOf(p, pfBreaks)][classOf(s, susceptibilityBreaks)];
  }
  return classes;
}

/** A matrix is usable when it is 4 x 4 of classes 1..4, non-decreasing along rows and columns. */
export function matrixProblem(matrix: readonly (readonly number[])[]): string | undefined {
  if (matrix.length !== 4 || matrix.some((row) => row.length !== 4)) return "the matrix must be 4 x 4";
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      const v = matrix[r][c];
      if (!Number.isInteger(v) || v < 1 || v > 4) return `entry [${r}][${c}] = ${v} is not a class 1..4`;
      if ((r > 0 && v < matrix[r - 1][c]) || (c > 0 && v < matrix[r][c - 1]))
        return `entry [${r}][${c}] = ${v} is lower than a less hazardous neighbour: hazard must not fall as P(f) or susceptibility rises`;
    }
  }
  return undefined;
}
