/**
 * Empirical Newmark-displacement regressions (median D_N in cm; σ of the log as published) and
 * Jibson et al. (2000)'s probability of failure. a_c, PGA in g; PGV in cm/s; Arias in m/s.
 * Every function returns 0 displacement when a_c ≥ PGA (no sliding) and NaN when an input is NaN.
 */

export type RegressionModel =
  | "jibson2007"
  | "jibson2007-m"
  | "jibson2007-arias"
  | "saygili-rathje2008"
  | "bray-travasarou2007";

export const REGRESSION_MODELS: readonly RegressionModel[] = [
  "jibson2007",
  "jibson2007-m",
  "jibson2007-arias",
  "saygili-rathje2008",
  "bray-travasarou2007",
];

/** Jibson (2007) eq. 6: log D = 0.215 + log[(1 − a_c/PGA)^2.341 (a_c/PGA)^−1.438], σ_log10 = 0.510. */
export function jibson2007(acG: number, pgaG: number): number {
  const ratio = acG / pgaG;
  if (ratio >= 1) return 0;
  return 10 ** 0.215 * (1 - ratio) ** 2.341 * ratio ** -1.438;
}

/** Jibson (2007) eq. 7: log D = −2.710 + log[(1 − r)^2.335 r^−1.478] + 0.424 M, σ_log10 = 0.454. */
export function jibson2007Magnitude(acG: number, pgaG: number, magnitude: number): number {
  const ratio = acG / pgaG;
  if (ratio >= 1) return 0;
  return 10 ** (-2.71 + 0.424 * magnitude) * (1 - ratio) ** 2.335 * ratio ** -1.478;
}

/** Jibson (2007) eq. 10: log D = 0.561 log I_a − 3.833 log(a_c/PGA) − 1.474, σ_log10 = 0.616. */
export function jibson2007Arias(acG: number, pgaG: number, ariasMS: number): number {
  const ratio = acG / pgaG;
  if (ratio >= 1) return 0;
  return 10 ** (0.561 * Math.log10(ariasMS) - 3.833 * Math.log10(ratio) - 1.474);
}

/**
 * Saygili & Rathje (2008) PGA-PGV model: ln D = −1.56 − 4.58 r − 20.84 r² + 44.75 r³ − 30.50 r⁴
 * − 0.64 ln PGA + 1.55 ln PGV, r = a_c/PGA; σ_ln = 0.405 + 0.524 r.
 */
export function saygiliRathje2008(acG: number, pgaG: number, pgvCmS: number): number {
  const r = acG / pgaG;
  if (r >= 1) return 0;
  const polynomial = -1.56 - 4.58 * r - 20.84 * r ** 2 + 44.75 * r ** 3 - 30.5 * r ** 4;
  return Math.exp(polynomial - 0.64 * Math.log(pgaG) + 1.55 * Math.log(pgvCmS));
}

/**
 * Bray & Travasarou (2007) median displacement (cm) given yield coefficient k_y = a_c (g), spectral
 * acceleration Sa(1.5 T_s) (g; PGA for a rigid slope, T_s = 0) and magnitude M:
 * ln D = a − 2.83 ln k_y − 0.333 (ln k_y)² + 0.566 ln k_y ln Sa + 3.04 ln Sa − 0.244 (ln Sa)²
 * + b T_s + 0.278 (M − 7), with (a, b) = (−0.22, 0) for T_s < 0.05 s, else (−1.10, 1.50); σ_ln = 0.66.
 * This is the median of the non-zero part; multiply by `brayTravasarou2007ProbabilityOfSliding`
 * for a probability-weighted value.
 */
export function brayTravasarou2007(acG: number, saG: number, magnitude: number, periodS = 0): number {
  const lnKy = Math.log(acG);
  const lnSa = Math.log(saG);
  const [a, b] = periodS < 0.05 ? [-0.22, 0] : [-1.1, 1.5];
  return Math.exp(
    a -
      2.83 * lnKy -
      0.333 * lnKy ** 2 +
      0.566 * lnKy * lnSa +
      3.04 * lnSa -
      0.244 * lnSa ** 2 +
      b * periodS +
      0.278 * (magnitude - 7),
  );
}

/** Bray & Travasarou (2007) eq. 3: P(D > 1 cm) = 1 − Φ(−1.76 − 3.22 ln k_y − 0.484 T_s ln k_y + 3.52 ln Sa). */
export function brayTravasarou2007ProbabilityOfSliding(acG: number, saG: number, periodS = 0): number {
  const lnKy = Math.log(acG);
  return standardNormalCdf(-1.76 - 3.22 * lnKy - 0.484 * periodS * lnKy + 3.52 * Math.log(saG));
}

/** Jibson, Harp & Michael (2000): P(f) = 0.335 [1 − exp(−0.048 D_N^1.565)], D_N in cm. */
export function probabilityOfFailure(displacementCm: number): number {
  return 0.335 * (1 - Math.exp(-0.048 * displacementCm ** 1.565));
}

/** Φ(x) through the complementary error function (Numerical Recipes erfcc, |ε| < 1.2e-7). */
export function standardNormalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}
