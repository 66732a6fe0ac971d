/** Standard gravity in cm/s², the unit SLAMMER integrates in (displacements come out in cm). */
export const G_CM_S2 = 980.665;

/**
 * Rigid-block Newmark displacement (cm) of a block with critical acceleration `acG` (g) under the
 * base acceleration `accelerationG` (g, sampled every `dtS` s), sliding downslope only, for the
 * polarity given (negate the record for the inverse polarity).
 *
 * The scheme is SLAMMER's "rigorous" rigid-block integration (Jibson, Rathje, Jibson & Lee 2013,
 * USGS Techniques and Methods 12-B1, RigidBlock.java): the relative acceleration y = a − a_c while
 * sliding is integrated to the relative velocity with the trapezoidal rule, the velocity to the
 * displacement likewise; when the relative velocity would fall to zero or below it is set to zero
 * (the block stops) and the displacement of that last, partial step is still counted as the
 * trapezoid of the previous velocity and zero. Unlike SLAMMER 1.1, samples that are exactly zero
 * are integrated like any other (SLAMMER skips them, which freezes a sliding block on zero padding).
 * `acG` = 0 is allowed (the block then slides whenever the ground accelerates downslope).
 */
export function newmarkRigidBlock(accelerationG: ArrayLike<number>, dtS: number, acG: number): number {
  const threshold = acG * G_CM_S2;
  const halfStep = dtS / 2;
  let displacement = 0;
  let velocity = 0;
  let relativeAcceleration = 0;
  for (let i = 0; i < accelerationG.length; i++) {
    const a = accelerationG[i] * G_CM_S2;
    let y: number;
    if (velocity < 1e-15) {
      // At rest: the block moves only when the ground acceleration exceeds a_c in either direction;
      // an upslope exceedance gives a negative velocity below, which the downslope-only rule zeroes.
      y = a > threshold ? a - threshold : a < -threshold ? a + threshold : 0;
    } else {
      y = a - threshold;
    }
    let nextVelocity = velocity + halfStep * (y + relativeAcceleration);
    if (nextVelocity <= 0) {
      nextVelocity = 0;
      y = 0;
    }
    displacement += halfStep * (nextVelocity + velocity);
    velocity = nextVelocity;
    relativeAcceleration = y;
  }
  return displacement;
}

/** Both polarities at once: `normal` uses the record as given, `inverse` the record × −1. */
export function newmarkBothPolarities(
  accelerationG: ArrayLike<number>,
  dtS: number,
  acG: number,
): { normalCm: number; inverseCm: number } {
  const inverted = new Float64Array(accelerationG.length);
  for (let i = 0; i < inverted.length; i++) inverted[i] = -accelerationG[i];
  return {
    normalCm: newmarkRigidBlock(accelerationG, dtS, acG),
    inverseCm: newmarkRigidBlock(inverted, dtS, acG),
  };
}
