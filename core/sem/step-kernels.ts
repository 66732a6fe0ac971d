/**
 * The three pieces of work of a time step that touch every element or point, behind one
 * interface so that the time loop (stepper.ts) is the same for every solver kernel:
 * - "single" / "double": the generated WebAssembly SIMD kernels (wasm/), the default and its
 *   double-precision twin;
 * - "reference": the plain TypeScript Float64 loops (kernel.ts, kernel5.ts and the sweeps
 *   below), the solver as it was before the wasm kernels, kept as the reference they are checked
 *   against (`double` agrees with it to round-off) and as the benchmark's "before".
 */
import { addElasticForces, kernelScratch } from "./kernel.ts";
import type { SolverData } from "./solver-data.ts";
import { wasmStepKernels } from "./wasm/instance.ts";

export interface StepKernels {
  /** −K·u of the elements of columns [c0, c1), added into the force accumulators (ax, az). */
  forces(c0: number, c1: number): void;
  /** Predictor over points [p0, p1): u += dt v + dt²/2 a; v += dt/2 a; a = 0. */
  predict(p0: number, p1: number): void;
  /**
   * a = f / (M + c dt/2) (f already holds the Stacey dashpot force −c v, see stepper.ts); v += dt/2 a;
   * then, if predictNext, the next step's predictor.
   */
  correct(p0: number, p1: number, predictNext: boolean): void;
}

export function stepKernels(d: SolverData, thread: number): StepKernels {
  if (d.wasm) return wasmStepKernels(d.wasm, d.ngll, thread);
  const elements = d.elements;
  if (!elements) throw new Error("solver data has neither wasm memory nor reference element arrays");
  const scratch = kernelScratch(d.ngll);
  return {
    forces: (c0, c1) => addElasticForces(elements, c0, c1, d.ux, d.uz, d.ax, d.az, scratch),
    predict: (p0, p1) => predict(d, p0, p1),
    correct: (p0, p1, predictNext) => correct(d, p0, p1, predictNext),
  };
}

function predict(d: SolverData, p0: number, p1: number): void {
  const { dt, ux, uz, vx, vz, ax, az } = d;
  for (let p = p0; p < p1; p++) {
    ux[p] += dt * vx[p] + ((dt * dt) / 2) * ax[p];
    uz[p] += dt * vz[p] + ((dt * dt) / 2) * az[p];
    vx[p] += (dt / 2) * ax[p];
    vz[p] += (dt / 2) * az[p];
    ax[p] = 0;
    az[p] = 0;
  }
}

function correct(d: SolverData, p0: number, p1: number, predictNext: boolean): void {
  const { dt, ux, uz, vx, vz, ax, az, invMassX, invMassZ } = d;
  const halfDt = dt / 2;
  const halfDtSquared = (dt * dt) / 2;
  for (let p = p0; p < p1; p++) {
    const accelerationX = ax[p] * invMassX[p];
    const accelerationZ = az[p] * invMassZ[p];
    const velocityX = vx[p] + halfDt * accelerationX;
    const velocityZ = vz[p] + halfDt * accelerationZ;
    if (predictNext) {
      ux[p] += dt * velocityX + halfDtSquared * accelerationX;
      uz[p] += dt * velocityZ + halfDtSquared * accelerationZ;
      vx[p] = velocityX + halfDt * accelerationX;
      vz[p] = velocityZ + halfDt * accelerationZ;
      ax[p] = 0;
      az[p] = 0;
    } else {
      vx[p] = velocityX;
      vz[p] = velocityZ;
      ax[p] = accelerationX;
      az[p] = accelerationZ;
    }
  }
}
