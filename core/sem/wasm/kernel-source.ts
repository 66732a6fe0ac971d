/**
 * The source of the wasm SEM kernels: a generator that writes, for one NGLL and precision, a
 * module with
 * - `forces(layout, c0, c1, scratch)`: −K·u of element columns [c0, c1) added into (ax, az);
 * - `predict`, `correct`, `correctPredict(layout, p0, p1)`: the Newmark sweeps over points
 *   [p0, p1) (see stepper.ts for when each runs).
 *
 * The force kernel is SIMD across elements: each 128-bit lane carries one element of a group of
 * `lanes` consecutive elements of a column (4 in single precision, 2 in double), so every
 * arithmetic instruction works for 4 (2) elements with no shuffles; the ngll² GLL points and the
 * sums over them are written out. The operations are those of the reference kernel
 * (kernel.ts / kernel5.ts) in the same order, and each point receives the element contributions
 * in the same element order: in double precision the results are the reference's to the bit.
 * WebAssembly has no fused multiply-add, so nothing is contracted behind our back.
 */
import { assembleModule, type Expr, F32, F64, FunctionBuilder, I32, V128 } from "./assembler.ts";
import {
  floatBytes,
  GROUP_HEADER_VECTORS,
  groupVectors,
  LAYOUT_SLOTS,
  lanes,
  type Precision,
} from "./layout.ts";

/** Loads, stores and arithmetic of one shape (vector or scalar) of the precision. */
interface Arithmetic {
  load(address: Expr, offset?: number): Expr;
  store(address: Expr, value: Expr, offset?: number): Expr;
  add(a: Expr, b: Expr): Expr;
  sub(a: Expr, b: Expr): Expr;
  mul(a: Expr, b: Expr): Expr;
}

function vectorArithmetic(f: FunctionBuilder, precision: Precision): Arithmetic {
  const single = precision === "single";
  return {
    load: (a, o) => f.v128Load(a, o),
    store: (a, v, o) => f.v128Store(a, v, o),
    add: (a, b) => (single ? f.f32x4Add(a, b) : f.f64x2Add(a, b)),
    sub: (a, b) => (single ? f.f32x4Sub(a, b) : f.f64x2Sub(a, b)),
    mul: (a, b) => (single ? f.f32x4Mul(a, b) : f.f64x2Mul(a, b)),
  };
}

function scalarArithmetic(f: FunctionBuilder, precision: Precision): Arithmetic {
  const single = precision === "single";
  return {
    load: (a, o) => (single ? f.f32Load(a, o) : f.f64Load(a, o)),
    store: (a, v, o) => (single ? f.f32Store(a, v, o) : f.f64Store(a, v, o)),
    add: (a, b) => (single ? f.f32Add(a, b) : f.f64Add(a, b)),
    sub: (a, b) => (single ? f.f32Sub(a, b) : f.f64Sub(a, b)),
    mul: (a, b) => (single ? f.f32Mul(a, b) : f.f64Mul(a, b)),
  };
}

/** Reads the i32 header field at `slot` into a new local. */
function headerLocal(f: FunctionBuilder, layout: number, slot: number): number {
  const local = f.local(I32);
  f.localSet(local, f.i32Load(f.localGet(layout), slot));
  return local;
}

/** Scratch offsets (bytes) of the 8 per-point vectors, see layout.scratchBytes. */
function scratchOffsets(ngll: number) {
  const nn = ngll * ngll;
  const at = (block: number) => (k: number) => (block * nn + k) * 16;
  return { ux: at(0), uz: at(1), t1x: at(2), t1z: at(3), t2x: at(4), t2z: at(5), fx: at(6), fz: at(7) };
}

function forcesFunction(ngll: number, precision: Precision): FunctionBuilder {
  const f = new FunctionBuilder("forces", [I32, I32, I32, I32]);
  const [layout, c0, c1, scratch] = [0, 1, 2, 3];
  const v = vectorArithmetic(f, precision);
  const s = scalarArithmetic(f, precision);
  const bytes = floatBytes(precision);
  const laneCount = lanes(precision);
  const n = ngll;
  const nn = n * n;
  const S = scratchOffsets(n);
  const groupBytes = groupVectors(n) * 16;
  const get = (local: number) => f.localGet(local);
  const header = (slot: number) => headerLocal(f, layout, slot);
  const ux = header(LAYOUT_SLOTS.ux);
  const uz = header(LAYOUT_SLOTS.uz);
  const fx = header(LAYOUT_SLOTS.ax);
  const fz = header(LAYOUT_SLOTS.az);
  const groups = header(LAYOUT_SLOTS.groups);
  const groupInfo = header(LAYOUT_SLOTS.groupInfo);
  const constants = header(LAYOUT_SLOTS.constants);
  const pointColumnBytes = header(LAYOUT_SLOTS.pointColumnBytes);
  const groupsPerColumn = header(LAYOUT_SLOTS.groupsPerColumn);
  const elementColumnBytes = header(LAYOUT_SLOTS.elementColumnBytes);
  const [c, q, g, columnOffset, groupPtr, info, base] = Array.from({ length: 7 }, () => f.local(I32));
  const rowStride = Array.from({ length: n }, () => f.local(I32));
  const rows = {
    ux: Array.from({ length: n }, () => f.local(I32)),
    uz: Array.from({ length: n }, () => f.local(I32)),
    fx: Array.from({ length: n }, () => f.local(I32)),
    fz: Array.from({ length: n }, () => f.local(I32)),
  };
  const vec = () => f.local(V128);
  const [lambda, mu, lambda2mu, rectXix, rectGammaz, rectJacobian] = Array.from({ length: 6 }, vec);
  const [duxdxi, duzdxi, duxdgamma, duzdgamma] = Array.from({ length: 4 }, vec);
  const [xix, xiz, gammax, gammaz, jacobian, sxx, szz, sxz, duxdx, duxdz, duzdx, duzdz] = Array.from(
    { length: 12 },
    vec,
  );
  const [sum2x, sum2z] = Array.from({ length: 2 }, vec);

  const splat = (index: number) =>
    precision === "single"
      ? f.v128Load32Splat(get(constants), index * bytes)
      : f.v128Load64Splat(get(constants), index * bytes);
  const derivative = (i: number, l: number) => splat(i * n + l);
  const weightedDerivative = (l: number, i: number) => splat(nn + l * n + i);
  const weight = (i: number) => splat(2 * nn + i);
  const scratchVector = (offset: number) => v.load(get(scratch), offset);
  const groupVector = (index: number) => v.load(get(groupPtr), index * 16);
  const setVector = (local: number, value: () => Expr) => f.localSet(local, value());

  for (let i = 0; i < n; i++) f.localSet(rowStride[i], f.i32Mul(get(pointColumnBytes), f.i32Const(i)));

  // One lane per element: lane k of point (i, j) is at row i, offset (k (ngll − 1) + j) floats.
  const gather = () => {
    for (let i = 0; i < n; i++) {
      for (const [field, array] of [
        ["ux", ux],
        ["uz", uz],
        ["fx", fx],
        ["fz", fz],
      ] as const)
        f.localSet(rows[field][i], f.i32Add(get(array), f.i32Add(get(base), get(rowStride[i]))));
    }
    for (const [field, target] of [
      ["ux", S.ux],
      ["uz", S.uz],
    ] as const) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const row = () => get(rows[field][i]);
          const at = (k: number) => (k * (n - 1) + j) * bytes;
          let expr: () => Expr = () =>
            precision === "single" ? f.v128Load32Splat(row(), at(0)) : f.v128Load64Splat(row(), at(0));
          for (let k = 1; k < laneCount; k++) {
            const inner = expr;
            expr = () =>
              precision === "single"
                ? f.v128Load32Lane(row(), inner(), at(k), k)
                : f.v128Load64Lane(row(), inner(), at(k), k);
          }
          v.store(get(scratch), expr(), target(i * n + j));
        }
      }
    }
  };

  // Per row i of the element: the ξ-derivatives of every j (the coefficient d[i][l] splatted once
  // per l), then per j the γ-derivatives from the row's values held in locals, then the stress.
  const [alongXiUx, alongXiUz, rowUx, rowUz] = Array.from({ length: 4 }, () =>
    Array.from({ length: n }, vec),
  );
  const coefficient = vec();
  const stressRows = (stressAt: (i: number, j: number) => void) => {
    for (let i = 0; i < n; i++) {
      for (let l = 0; l < n; l++) {
        setVector(coefficient, () => derivative(i, l));
        for (let j = 0; j < n; j++) {
          for (const [target, field] of [
            [alongXiUx, S.ux],
            [alongXiUz, S.uz],
          ] as const) {
            setVector(target[j], () =>
              l === 0
                ? v.mul(get(coefficient), scratchVector(field(j)))
                : v.add(get(target[j]), v.mul(get(coefficient), scratchVector(field(l * n + j)))),
            );
          }
        }
      }
      for (let l = 0; l < n; l++) {
        setVector(rowUx[l], () => scratchVector(S.ux(i * n + l)));
        setVector(rowUz[l], () => scratchVector(S.uz(i * n + l)));
      }
      for (let j = 0; j < n; j++) {
        for (let l = 0; l < n; l++) {
          setVector(coefficient, () => derivative(j, l));
          for (const [target, row] of [
            [duxdgamma, rowUx],
            [duzdgamma, rowUz],
          ] as const) {
            setVector(target, () =>
              l === 0
                ? v.mul(get(coefficient), get(row[0]))
                : v.add(get(target), v.mul(get(coefficient), get(row[l]))),
            );
          }
        }
        setVector(duxdxi, () => get(alongXiUx[j]));
        setVector(duzdxi, () => get(alongXiUz[j]));
        stressAt(i, j);
      }
    }
  };

  const storeTractions = (k: number, t1x: () => Expr, t1z: () => Expr, t2x: () => Expr, t2z: () => Expr) => {
    v.store(get(scratch), t1x(), S.t1x(k));
    v.store(get(scratch), t1z(), S.t1z(k));
    v.store(get(scratch), t2x(), S.t2x(k));
    v.store(get(scratch), t2z(), S.t2z(k));
  };

  // Constant inverse map, ξz = γx = 0 (kernel5.ts): the general formulas with those zero terms dropped.
  const stressRectangular = (i: number, j: number) => {
    setVector(duxdx, () => v.mul(get(duxdxi), get(rectXix)));
    setVector(duzdz, () => v.mul(get(duzdgamma), get(rectGammaz)));
    setVector(sxx, () => v.add(v.mul(get(lambda2mu), get(duxdx)), v.mul(get(lambda), get(duzdz))));
    setVector(szz, () => v.add(v.mul(get(lambda2mu), get(duzdz)), v.mul(get(lambda), get(duxdx))));
    setVector(sxz, () =>
      v.mul(get(mu), v.add(v.mul(get(duzdxi), get(rectXix)), v.mul(get(duxdgamma), get(rectGammaz)))),
    );
    storeTractions(
      i * n + j,
      () => v.mul(get(rectJacobian), v.mul(get(sxx), get(rectXix))),
      () => v.mul(get(rectJacobian), v.mul(get(sxz), get(rectXix))),
      () => v.mul(get(rectJacobian), v.mul(get(sxz), get(rectGammaz))),
      () => v.mul(get(rectJacobian), v.mul(get(szz), get(rectGammaz))),
    );
  };

  const stressGeneral = (i: number, j: number) => {
    const k = i * n + j;
    const geometry = GROUP_HEADER_VECTORS + 5 * k;
    setVector(xix, () => groupVector(geometry));
    setVector(xiz, () => groupVector(geometry + 1));
    setVector(gammax, () => groupVector(geometry + 2));
    setVector(gammaz, () => groupVector(geometry + 3));
    setVector(jacobian, () => groupVector(geometry + 4));
    const chain = (alongXi: number, alongGamma: number, a: number, b: number) => () =>
      v.add(v.mul(get(alongXi), get(a)), v.mul(get(alongGamma), get(b)));
    setVector(duxdx, chain(duxdxi, duxdgamma, xix, gammax));
    setVector(duxdz, chain(duxdxi, duxdgamma, xiz, gammaz));
    setVector(duzdx, chain(duzdxi, duzdgamma, xix, gammax));
    setVector(duzdz, chain(duzdxi, duzdgamma, xiz, gammaz));
    setVector(sxx, () => v.add(v.mul(get(lambda2mu), get(duxdx)), v.mul(get(lambda), get(duzdz))));
    setVector(szz, () => v.add(v.mul(get(lambda2mu), get(duzdz)), v.mul(get(lambda), get(duxdx))));
    setVector(sxz, () => v.mul(get(mu), v.add(get(duzdx), get(duxdz))));
    const traction = (a: number, b: number, c: number, d: number) => () =>
      v.mul(get(jacobian), v.add(v.mul(get(a), get(b)), v.mul(get(c), get(d))));
    storeTractions(
      k,
      traction(sxx, xix, sxz, xiz),
      traction(sxz, xix, szz, xiz),
      traction(sxx, gammax, sxz, gammaz),
      traction(sxz, gammax, szz, gammaz),
    );
  };

  // The same pattern for the divergence: per row i, the sums over the first index with the
  // coefficient wd[l][i] splatted once per l, then the sums over the second index from the row.
  const [sum1xRow, sum1zRow, rowT2x, rowT2z] = Array.from({ length: 4 }, () =>
    Array.from({ length: n }, vec),
  );
  const weightI = vec();
  const divergence = () => {
    for (let i = 0; i < n; i++) {
      for (let l = 0; l < n; l++) {
        setVector(coefficient, () => weightedDerivative(l, i));
        for (let j = 0; j < n; j++) {
          for (const [target, field] of [
            [sum1xRow, S.t1x],
            [sum1zRow, S.t1z],
          ] as const) {
            setVector(target[j], () =>
              l === 0
                ? v.mul(get(coefficient), scratchVector(field(j)))
                : v.add(get(target[j]), v.mul(get(coefficient), scratchVector(field(l * n + j)))),
            );
          }
        }
      }
      for (let l = 0; l < n; l++) {
        setVector(rowT2x[l], () => scratchVector(S.t2x(i * n + l)));
        setVector(rowT2z[l], () => scratchVector(S.t2z(i * n + l)));
      }
      setVector(weightI, () => weight(i));
      for (let j = 0; j < n; j++) {
        for (let l = 0; l < n; l++) {
          setVector(coefficient, () => weightedDerivative(l, j));
          for (const [target, row] of [
            [sum2x, rowT2x],
            [sum2z, rowT2z],
          ] as const) {
            setVector(target, () =>
              l === 0
                ? v.mul(get(coefficient), get(row[0]))
                : v.add(get(target), v.mul(get(coefficient), get(row[l]))),
            );
          }
        }
        setVector(coefficient, () => weight(j));
        const k = i * n + j;
        v.store(
          get(scratch),
          v.add(v.mul(get(coefficient), get(sum1xRow[j])), v.mul(get(weightI), get(sum2x))),
          S.fx(k),
        );
        v.store(
          get(scratch),
          v.add(v.mul(get(coefficient), get(sum1zRow[j])), v.mul(get(weightI), get(sum2z))),
          S.fz(k),
        );
      }
    }
  };

  // Element by element (lane by lane), so that shared points get the contributions in mesh order.
  const scatter = () => {
    for (let lane = 0; lane < laneCount; lane++) {
      const body = () => {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            const at = (lane * (n - 1) + j) * bytes;
            const k = i * n + j;
            s.store(
              get(rows.fx[i]),
              s.sub(s.load(get(rows.fx[i]), at), s.load(get(scratch), S.fx(k) + lane * bytes)),
              at,
            );
            s.store(
              get(rows.fz[i]),
              s.sub(s.load(get(rows.fz[i]), at), s.load(get(scratch), S.fz(k) + lane * bytes)),
              at,
            );
          }
        }
      };
      if (lane === 0) body();
      else f.if(f.i32GtU(f.i32And(get(info), f.i32Const(255)), f.i32Const(lane)), body);
    }
  };

  f.localSet(c, get(c0));
  f.block(() =>
    f.loop(() => {
      f.brIf(1, f.i32GeU(get(c), get(c1)));
      f.localSet(columnOffset, f.i32Mul(get(c), get(elementColumnBytes)));
      f.localSet(g, f.i32Mul(get(c), get(groupsPerColumn)));
      f.localSet(q, f.i32Const(0));
      f.block(() =>
        f.loop(() => {
          f.brIf(1, f.i32GeU(get(q), get(groupsPerColumn)));
          f.localSet(groupPtr, f.i32Add(get(groups), f.i32Mul(get(g), f.i32Const(groupBytes))));
          f.localSet(info, f.i32Load(f.i32Add(get(groupInfo), f.i32Mul(get(g), f.i32Const(4)))));
          f.localSet(
            base,
            f.i32Add(get(columnOffset), f.i32Mul(get(q), f.i32Const(laneCount * (n - 1) * bytes))),
          );
          gather();
          setVector(lambda, () => groupVector(0));
          setVector(mu, () => groupVector(1));
          setVector(lambda2mu, () => groupVector(2));
          f.if(
            f.i32And(get(info), f.i32Const(256)),
            () => {
              setVector(rectXix, () => groupVector(3));
              setVector(rectGammaz, () => groupVector(4));
              setVector(rectJacobian, () => groupVector(5));
              stressRows(stressRectangular);
            },
            () => stressRows(stressGeneral),
          );
          divergence();
          scatter();
          f.localSet(q, f.i32Add(get(q), f.i32Const(1)));
          f.localSet(g, f.i32Add(get(g), f.i32Const(1)));
          f.br(0);
        }),
      );
      f.localSet(c, f.i32Add(get(c), f.i32Const(1)));
      f.br(0);
    }),
  );
  return f;
}

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
    (["ux", "uz", "vx", "vz", "ax", "az", "dampX", "dampZ", "invMassX", "invMassZ"] as const).map((name) => [
      name,
      headerLocal(f, layout, LAYOUT_SLOTS[name]),
    ]),
  ) as Record<"ux" | "uz" | "vx" | "vz" | "ax" | "az" | "dampX" | "dampZ" | "invMassX" | "invMassZ", number>;
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
      const damp = arrays[`damp${axis.toUpperCase() as "X" | "Z"}`];
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
      f.localSet(
        acceleration,
        a.mul(a.sub(a.load(at(acc)), a.mul(a.load(at(damp)), a.load(at(vel)))), a.load(at(invMass))),
      );
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

/** The module's bytes for one NGLL (4–8) and precision. */
export function semKernelModule(ngll: number, precision: Precision): Uint8Array<ArrayBuffer> {
  return assembleModule([
    forcesFunction(ngll, precision),
    sweepFunction("predict", precision),
    sweepFunction("correct", precision),
    sweepFunction("correctPredict", precision),
  ]);
}
