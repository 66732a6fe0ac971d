/**
 * The source of the wasm SEM kernels: a generator that writes, for one NGLL and precision, a
 * module with
 * - `forces(layout, c0, c1, scratch)`: −K·u of element columns [c0, c1) added into (ax, az)
 *   (forces-source.ts);
 * - `predict`, `correct`, `correctPredict(layout, p0, p1)`: the Newmark sweeps over points
 *   [p0, p1), below (see stepper.ts for when each runs).
 * It runs when the solver starts (a few milliseconds); the module is compiled once per thread.
 */
import { assembleModule, type Expr, F32, F64, FunctionBuilder, I32, V128 } from "./assembler.ts";
import { forcesFunction } from "./forces-source.ts";
import { floatBytes, LAYOUT_SLOTS, lanes, type Precision } from "./layout.ts";
import { type Arithmetic, headerLocal, scalarArithmetic, vectorArithmetic } from "./source-helpers.ts";

type SweepKind = "predict" | "correct" | "correctPredict";

/**
 * One Newmark sweep over points [p0, p1): vectors while `lanes` points remain, then single
 * points. Each point's arithmetic is the same either way, so where a thread's range starts
 * does not change any value. The formulas are those of stepper.ts's reference sweeps.
 */
function sweepFunction(kind: SweepKind, precision: Precision): FunctionBuilder {
  const f = new FunctionBuilder(kind, [I32, I32, I32]);
  const [layout, p0, p1] = [0, 1, 2];
  const bytes = floatBytes(precision);
  const laneCount = lanes(precision);
  const get = (local: number) => f.localGet(local);
  const arrays = Object.fromEntries(
    (["ux", "uz", "vx", "vz", "ax", "az", "invMassX", "invMassZ"] as const).map((name) => [
      name,
      headerLocal(f, layout, LAYOUT_SLOTS[name]),
    ]),
  ) as Record<"ux" | "uz" | "vx" | "vz" | "ax" | "az" | "invMassX" | "invMassZ", number>;
  const scalarType = precision === "single" ? F32 : F64;
  const loadScalar = (slot: number) =>
    precision === "single" ? f.f32Load(get(layout), slot) : f.f64Load(get(layout), slot);
  const splat = (value: Expr) => (precision === "single" ? f.f32x4Splat(value) : f.f64x2Splat(value));
  const constants = (["dt", "halfDt", "halfDtSquared"] as const).map((name) => {
    const scalar = f.local(scalarType);
    const vector = f.local(V128);
    f.localSet(scalar, loadScalar(LAYOUT_SLOTS[name]));
    f.localSet(vector, splat(get(scalar)));
    return { scalar, vector };
  });
  const zeroScalar = f.local(scalarType);
  const zeroVector = f.local(V128);
  f.localSet(zeroVector, splat(get(zeroScalar)));
  const [offset, vectorEnd, end] = [f.local(I32), f.local(I32), f.local(I32)];
  f.localSet(offset, f.i32Mul(get(p0), f.i32Const(bytes)));
  f.localSet(end, f.i32Mul(get(p1), f.i32Const(bytes)));
  // vectorEnd = offset + ((p1 − p0) & −lanes) · bytes
  f.localSet(
    vectorEnd,
    f.i32Add(
      get(offset),
      f.i32Mul(f.i32And(f.i32Sub(get(p1), get(p0)), f.i32Const(-laneCount)), f.i32Const(bytes)),
    ),
  );

  const body = (a: Arithmetic, shape: "scalar" | "vector") => {
    const [dt, halfDt, halfDtSquared] = constants.map((c) => c[shape]);
    const zero = shape === "scalar" ? zeroScalar : zeroVector;
    const temporaries = [
      f.local(shape === "scalar" ? scalarType : V128),
      f.local(shape === "scalar" ? scalarType : V128),
    ];
    const [acceleration, velocity] = temporaries;
    const at = (array: number) => f.i32Add(get(array), get(offset));
    for (const axis of ["x", "z"] as const) {
      const u = arrays[`u${axis}`];
      const vel = arrays[`v${axis}`];
      const acc = arrays[`a${axis}`];
      const invMass = arrays[`invMass${axis.toUpperCase() as "X" | "Z"}`];
      if (kind === "predict") {
        a.store(
          at(u),
          a.add(
            a.load(at(u)),
            a.add(a.mul(get(dt), a.load(at(vel))), a.mul(get(halfDtSquared), a.load(at(acc)))),
          ),
        );
        a.store(at(vel), a.add(a.load(at(vel)), a.mul(get(halfDt), a.load(at(acc)))));
        a.store(at(acc), get(zero));
        continue;
      }
      f.localSet(acceleration, a.mul(a.load(at(acc)), a.load(at(invMass))));
      f.localSet(velocity, a.add(a.load(at(vel)), a.mul(get(halfDt), get(acceleration))));
      if (kind === "correct") {
        a.store(at(vel), get(velocity));
        a.store(at(acc), get(acceleration));
        continue;
      }
      a.store(
        at(u),
        a.add(
          a.load(at(u)),
          a.add(a.mul(get(dt), get(velocity)), a.mul(get(halfDtSquared), get(acceleration))),
        ),
      );
      a.store(at(vel), a.add(get(velocity), a.mul(get(halfDt), get(acceleration))));
      a.store(at(acc), get(zero));
    }
  };

  const loop = (limit: number, step: number, a: Arithmetic, shape: "scalar" | "vector") =>
    f.block(() =>
      f.loop(() => {
        f.brIf(1, f.i32GeU(get(offset), get(limit)));
        body(a, shape);
        f.localSet(offset, f.i32Add(get(offset), f.i32Const(step)));
        f.br(0);
      }),
    );
  loop(vectorEnd, 16, vectorArithmetic(f, precision), "vector");
  loop(end, bytes, scalarArithmetic(f, precision), "scalar");
  return f;
}

/**
 * The module's bytes for one NGLL (4–8) and precision. `transposed` chooses the gather and
 * scatter of NGLL 5 in single precision (the default there; lane by lane otherwise).
 */
export function semKernelModule(
  ngll: number,
  precision: Precision,
  { transposed = ngll === 5 && precision === "single" } = {},
): Uint8Array<ArrayBuffer> {
  return assembleModule([
    forcesFunction(ngll, precision, transposed),
    sweepFunction("predict", precision),
    sweepFunction("correct", precision),
    sweepFunction("correctPredict", precision),
  ]);
}
