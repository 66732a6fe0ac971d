import { InputError } from "../errors.ts";

/**
 * Boore, Stewart, Seyhan & Atkinson (2014), NGA-West2 equations for PGA and PGV of shallow
 * crustal earthquakes (Earthquake Spectra 30(3), 1057-1085), "global" region (Dc3 = 0), RotD50.
 * PGA in g, PGV in cm/s; sigma is the total standard deviation of ln(PGA) and ln(PGV).
 */

/** Style of faulting: strike-slip, normal, reverse, or unspecified (the paper's U = e0). */
export const MECHANISMS = ["SS", "NS", "RS", "U"] as const;
export type Mechanism = (typeof MECHANISMS)[number];

/** Where the paper says the equations hold (its section "Limits of applicability"). */
export const BSSA14_LIMITS = {
  magnitude: [3, 8.5],
  rjbKm: [0, 400],
  vs30: [150, 1500],
} as const;

interface Coefficients {
  e: Record<Mechanism, number>;
  e4: number;
  e5: number;
  e6: number;
  mh: number;
  c1: number;
  c2: number;
  c3: number;
  h: number;
  c: number;
  vc: number;
  f4: number;
  f5: number;
  r1: number;
  r2: number;
  dfr: number;
  dfv: number;
  phi1: number;
  phi2: number;
  tau1: number;
  tau2: number;
}

// Table 3 (median) and Table 4 (aleatory) of the paper, rows PGA and PGV. The basin term
// (f6, f7) is "not applicable" for both (only periods >= 0.65 s have it), so it is left out.
const PGA: Coefficients = {
  e: { U: 0.4473, SS: 0.4856, NS: 0.2459, RS: 0.4539 },
  e4: 1.431,
  e5: 0.05053,
  e6: -0.1662,
  mh: 5.5,
  c1: -1.134,
  c2: 0.1917,
  c3: -0.008088,
  h: 4.5,
  c: -0.6,
  vc: 1500,
  f4: -0.15,
  f5: -0.00701,
  r1: 110,
  r2: 270,
  dfr: 0.1,
  dfv: 0.07,
  phi1: 0.695,
  phi2: 0.495,
  tau1: 0.398,
  tau2: 0.348,
};

const PGV: Coefficients = {
  e: { U: 5.037, SS: 5.078, NS: 4.849, RS: 5.033 },
  e4: 1.073,
  e5: -0.1536,
  e6: 0.2252,
  mh: 6.2,
  c1: -1.243,
  c2: 0.1489,
  c3: -0.00344,
  h: 5.3,
  c: -0.84,
  vc: 1300,
  f4: -0.1,
  f5: -0.00844,
  r1: 105,
  r2: 272,
  dfr: 0.082,
  dfv: 0.08,
  phi1: 0.644,
  phi2: 0.552,
  tau1: 0.401,
  tau2: 0.346,
};

const M_REF = 4.5;
const R_REF = 1; // km
const V_REF = 760; // m/s
const F3 = 0.1; // g
const V1 = 225;
const V2 = 300;

/** Event terms: they depend on the earthquake only, so a map computes them once. */
export interface Bssa14Event {
  magnitude: number;
  mechanism: Mechanism;
}

export interface Bssa14Motion {
  pgaG: number;
  pgvCmS: number;
  /** Total standard deviation of ln(PGA) and ln(PGV): sqrt(tau^2 + phi^2). */
  sigmaLnPga: number;
  sigmaLnPgv: number;
}

/** F_E (eq. 2): magnitude scaling with the style-of-faulting constant. */
function eventTerm(k: Coefficients, event: Bssa14Event): number {
  const dm = event.magnitude - k.mh;
  return k.e[event.mechanism] + (dm <= 0 ? k.e4 * dm + k.e5 * dm * dm : k.e6 * dm);
}

/** F_P (eq. 3-4): geometric spreading with a magnitude-dependent slope, and anelastic attenuation. */
function pathTerm(k: Coefficients, magnitude: number, rjbKm: number): number {
  const r = Math.sqrt(rjbKm * rjbKm + k.h * k.h);
  return (k.c1 + k.c2 * (magnitude - M_REF)) * Math.log(r / R_REF) + k.c3 * (r - R_REF);
}

/** F_S (eq. 5-8): linear Vs30 scaling and the nonlinear term driven by PGA on rock (Vs30 760). */
function siteTerm(k: Coefficients, vs30: number, pgaRockG: number): number {
  const linear = k.c * Math.log(Math.min(vs30, k.vc) / V_REF);
  const f2 = k.f4 * (Math.exp(k.f5 * (Math.min(vs30, V_REF) - 360)) - Math.exp(k.f5 * (V_REF - 360)));
  return linear + f2 * Math.log((pgaRockG + F3) / F3);
}

/** Total sigma (eq. 13-17): tau and phi taper in magnitude; phi grows past R1 and on soft sites. */
function totalSigma(k: Coefficients, magnitude: number, rjbKm: number, vs30: number): number {
  const taper = Math.min(1, Math.max(0, magnitude - 4.5));
  const tau = k.tau1 + (k.tau2 - k.tau1) * taper;
  let phi = k.phi1 + (k.phi2 - k.phi1) * taper;
  if (rjbKm > k.r2) phi += k.dfr;
  else if (rjbKm > k.r1) phi += (k.dfr * Math.log(rjbKm / k.r1)) / Math.log(k.r2 / k.r1);
  if (vs30 <= V1) phi -= k.dfv;
  else if (vs30 < V2) phi -= (k.dfv * Math.log(V2 / vs30)) / Math.log(V2 / V1);
  return Math.sqrt(tau * tau + phi * phi);
}

/** Median PGA (g) and PGV (cm/s) with their total sigmas, for one site. */
export function bssa14(event: Bssa14Event, rjbKm: number, vs30: number): Bssa14Motion {
  const out = new Float64Array(4);
  bssa14Into(event, rjbKm, vs30, out);
  return { pgaG: out[0], pgvCmS: out[1], sigmaLnPga: out[2], sigmaLnPgv: out[3] };
}

/** As bssa14, written to out = [PGA g, PGV cm/s, sigma ln PGA, sigma ln PGV]: no allocation per cell. */
export function bssa14Into(event: Bssa14Event, rjbKm: number, vs30: number, out: Float64Array): void {
  const m = event.magnitude;
  const pgaRockG = Math.exp(eventTerm(PGA, event) + pathTerm(PGA, m, rjbKm));
  out[0] = Math.exp(eventTerm(PGA, event) + pathTerm(PGA, m, rjbKm) + siteTerm(PGA, vs30, pgaRockG));
  out[1] = Math.exp(eventTerm(PGV, event) + pathTerm(PGV, m, rjbKm) + siteTerm(PGV, vs30, pgaRockG));
  out[2] = totalSigma(PGA, m, rjbKm, vs30);
  out[3] = totalSigma(PGV, m, rjbKm, vs30);
}

/** An InputError when magnitude, distance or Vs30 is outside the range the model was fitted on. */
export function checkBssa14Inputs(magnitude: number, rjbKm: number, vs30: number, where = ""): void {
  const check = (name: string, value: number, [low, high]: readonly [number, number], unit: string) => {
    if (!(value >= low && value <= high))
      throw new InputError(
        `${where}${name} = ${value}${unit} is outside the range of BSSA14 (${low} to ${high}${unit})`,
      );
  };
  check("magnitude", magnitude, BSSA14_LIMITS.magnitude, "");
  check("Rjb", rjbKm, BSSA14_LIMITS.rjbKm, " km");
  check("Vs30", vs30, BSSA14_LIMITS.vs30, " m/s");
}
