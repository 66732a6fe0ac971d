import { newmarkRigidBlock } from "../stability/newmark.ts";
import type { ProfileBand } from "./profiles.ts";

/**
 * The acceleration (g) that drives a rigid block downslope, from the ground acceleration in the
 * profile plane (a_x along the profile, a_z up, g): the block slides downslope relative to the
 * ground when the ground accelerates upslope, so the driving term is minus the downslope
 * component of the ground acceleration, −(cx·a_x − cz·a_z) (projectionCoefficients in
 * profiles.ts). The out-of-plane (SH) motion is absent in 2D P-SV, and the slope-normal component
 * is not fed back into a_c (the usual rigid-block simplification; docs/campaign.md).
 */
export function drivingAcceleration(
  ax: ArrayLike<number>,
  az: ArrayLike<number>,
  cx: number,
  cz: number,
  out: Float64Array,
): Float64Array {
  for (let k = 0; k < out.length; k++) out[k] = cz * az[k] - cx * ax[k];
  return out;
}

export interface SurfaceMotion {
  /** Position of each receiver along the profile (m from its source end), increasing. */
  along: Float64Array;
  /** Acceleration per receiver, x (along the profile) and z (up), in g. */
  ax: Float64Array[];
  az: Float64Array[];
  dt: number;
}

/** Index of the receiver nearest to `s` (m along the profile); ties go to the first. */
export function nearestReceiver(along: Float64Array, s: number): number {
  let low = 0;
  let high = along.length - 1;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (along[middle] <= s) low = middle;
    else high = middle;
  }
  return Math.abs(s - along[low]) <= Math.abs(along[high] - s) ? low : high;
}

/**
 * Rigid-block Newmark displacement (cm) of every cell of a profile's band under the motion of
 * the receiver nearest to it along the profile, with the cell's own a_c and slope projection.
 * Exact integration per cell (core/stability's SLAMMER scheme): the cost is cells × time steps.
 */
export function bandDisplacements(band: ProfileBand, motion: SurfaceMotion): Float32Array {
  const steps = motion.ax[0]?.length ?? 0;
  const drive = new Float64Array(steps);
  const displacement = new Float32Array(band.cell.length);
  for (let k = 0; k < band.cell.length; k++) {
    const r = nearestReceiver(motion.along, band.along[k]);
    drivingAcceleration(motion.ax[r], motion.az[r], band.cx[k], band.cz[k], drive);
    displacement[k] = newmarkRigidBlock(drive, motion.dt, band.ac[k]);
  }
  return displacement;
}
