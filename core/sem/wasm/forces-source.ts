/**
 * The generated force kernel `forces(layout, c0, c1, scratch)`: −K·u of the elements of columns
 * [c0, c1), added into (ax, az).
 *
 * SIMD across elements: each 128-bit lane carries one element of a group of `lanes` consecutive
 * elements of a column (4 in single precision, 2 in double), so every arithmetic instruction
 * serves 4 (2) elements and needs no shuffles. Per group, in passes over the thread's scratch
 * block, each small enough to keep its working set in the 16 vector registers:
 * 1. gather u of the group's points (lane k ← element k);
 * 2. the four displacement derivatives along ξ and γ at every GLL point;
 * 3. stress and the tractions J·σ·∇ξ, J·σ·∇γ at every point (in place of the derivatives);
 * 4. their divergence with the weighted derivative matrix;
 * 5. scatter-add into the global force arrays, element by element (each point receives the
 *    element contributions in mesh order, whatever the thread count).
 * The 1D sums of passes 2 and 4 use the even–odd decomposition of layout.evenOddCoefficients
 * (40 % fewer operations than the reference kernels' plain sums, the same values to round-off).
 * V8 issues the loads between two stores together, so each batch of work between stores is
 * kept small enough for the 16 vector registers (spills cost as much as the arithmetic).
 */
import { type Expr, FunctionBuilder, I32, V128 } from "./assembler.ts";
import {
  evenOddSetSize,
  floatBytes,
  GROUP_HEADER_VECTORS,
  groupVectors,
  LAYOUT_SLOTS,
  lanes,
  type Precision,
} from "./layout.ts";
import { type Arithmetic, headerLocal, scalarArithmetic, vectorArithmetic } from "./source-helpers.ts";

/** Scratch offsets (bytes) of the 8 per-point vectors, see layout.scratchBytes. */
function scratchOffsets(ngll: number) {
  const nn = ngll * ngll;
  const at = (block: number) => (k: number) => (block * nn + k) * 16;
  // Blocks 2–5 first hold ∂ux/∂ξ, ∂uz/∂ξ, ∂ux/∂γ, ∂uz/∂γ, then the tractions t1x, t1z, t2x, t2z.
  return { ux: at(0), uz: at(1), t1x: at(2), t1z: at(3), t2x: at(4), t2z: at(5), fx: at(6), fz: at(7) };
}

type Offsets = ReturnType<typeof scratchOffsets>;

class ForcesEmitter {
  readonly f = new FunctionBuilder("forces", [I32, I32, I32, I32]);
  readonly v: Arithmetic;
  readonly n: number;
  readonly nn: number;
  readonly bytes: number;
  readonly laneCount: number;
  readonly S: Offsets;
  private readonly layout = 0;
  readonly scratch = 3;
  /** Header pointers. */
  readonly arrays: Record<"ux" | "uz" | "fx" | "fz", number>;
  readonly constants: number;
  readonly groupPtr: number;
  readonly info: number;
  /** Per row i of the group: the byte offset of its first point in each array. */
  readonly rows: Record<"ux" | "uz" | "fx" | "fz", number[]>;

  constructor(
    readonly ngll: number,
    readonly precision: Precision,
  ) {
    const f = this.f;
    this.v = vectorArithmetic(f, precision);
    this.n = ngll;
    this.nn = ngll * ngll;
    this.bytes = floatBytes(precision);
    this.laneCount = lanes(precision);
    this.S = scratchOffsets(ngll);
    const header = (slot: number) => headerLocal(f, this.layout, slot);
    this.arrays = {
      ux: header(LAYOUT_SLOTS.ux),
      uz: header(LAYOUT_SLOTS.uz),
      fx: header(LAYOUT_SLOTS.ax),
      fz: header(LAYOUT_SLOTS.az),
    };
    this.constants = header(LAYOUT_SLOTS.constants);
    this.groupPtr = f.local(I32);
    this.info = f.local(I32);
    const perRow = () => Array.from({ length: ngll }, () => f.local(I32));
    this.rows = { ux: perRow(), uz: perRow(), fx: perRow(), fz: perRow() };
  }

  get(local: number): Expr {
    return this.f.localGet(local);
  }
  vec(): number {
    return this.f.local(V128);
  }
  vecs(count: number): number[] {
    return Array.from({ length: count }, () => this.vec());
  }
  set(local: number, value: () => Expr): void {
    this.f.localSet(local, value());
  }
  /** locals[k] = value(k) for every k. */
  setEach(locals: number[], value: (k: number) => Expr): void {
    for (let k = 0; k < locals.length; k++) this.f.localSet(locals[k], value(k));
  }
  /** Coefficient `index` of set `set` (layout.coefficientSets), in every lane. */
  coefficient(set: number, index: number): Expr {
    return this.v.load(this.get(this.constants), (set * evenOddSetSize(this.n) + index) * 16);
  }
  load(offset: number): Expr {
    return this.v.load(this.get(this.scratch), offset);
  }
  store(offset: number, value: () => Expr): void {
    this.v.store(this.get(this.scratch), value(), offset);
  }
  groupVector(index: number): Expr {
    return this.v.load(this.get(this.groupPtr), index * 16);
  }

  /**
   * y = X·u for one line of the element (layout.evenOddCoefficients): `input(l)` loads u_l,
   * `output(i, y_i)` stores y_i. The even and odd parts stay in registers; each output pair is
   * one batch (its coefficients, two products sums, two stores).
   */
  transform(set: number, input: (l: number) => Expr, output: (i: number, value: () => Expr) => void): void {
    const { n, v } = this;
    const m = Math.floor(n / 2);
    const odd = n % 2;
    const g = (local: number) => this.get(local);
    const values = this.vecs(n);
    this.setEach(values, input);
    const even = this.vecs(m);
    const oddPart = this.vecs(m);
    for (let l = 0; l < m; l++) {
      this.set(even[l], () => v.add(g(values[l]), g(values[n - 1 - l])));
      this.set(oddPart[l], () => v.sub(g(values[l]), g(values[n - 1 - l])));
    }
    const sum = (terms: (() => Expr)[]) => {
      terms[0]();
      for (let t = 1; t < terms.length; t++) v.add(undefined, terms[t]());
      return undefined;
    };
    const [p, q] = this.vecs(2);
    for (let i = 0; i < m; i++) {
      this.set(p, () =>
        sum(
          Array.from({ length: m }, (_, l) => () => v.mul(this.coefficient(set, i * m + l), g(oddPart[l]))),
        ),
      );
      this.set(q, () =>
        sum([
          ...Array.from(
            { length: m },
            (_, l) => () => v.mul(this.coefficient(set, m * m + i * (m + odd) + l), g(even[l])),
          ),
          ...(odd ? [() => v.mul(this.coefficient(set, m * m + i * (m + 1) + m), g(values[m]))] : []),
        ]),
      );
      output(i, () => v.add(g(p), g(q)));
      output(n - 1 - i, () => v.sub(g(p), g(q)));
    }
    if (odd)
      output(m, () =>
        sum(
          Array.from(
            { length: m },
            (_, l) => () => v.mul(this.coefficient(set, m * m + m * (m + 1) + l), g(oddPart[l])),
          ),
        ),
      );
  }
}

/** Row pointers of the group whose first point is at byte offset `base` of every array. */
function setRows(e: ForcesEmitter, base: number, rowStride: number[]): void {
  const f = e.f;
  for (const field of ["ux", "uz", "fx", "fz"] as const)
    for (let i = 0; i < e.n; i++)
      f.localSet(
        e.rows[field][i],
        f.i32Add(e.get(e.arrays[field]), f.i32Add(e.get(base), e.get(rowStride[i]))),
      );
}

/** Lane k of point (i, j) is at row i, (k (ngll − 1) + j) floats in: one lane load each. */
function gatherByLanes(e: ForcesEmitter): void {
  const { f, n, bytes, laneCount, precision } = e;
  for (const [field, target] of [
    ["ux", e.S.ux],
    ["uz", e.S.uz],
  ] as const) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const row = () => e.get(e.rows[field][i]);
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
        e.store(target(i * n + j), expr);
      }
    }
  }
}

/** 4 × 4 transpose of four f32x4 locals into four new ones (unpack low/high, then move halves). */
function transpose4(e: ForcesEmitter, rows: number[]): number[] {
  const { f } = e;
  const [t0, t1, t2, t3] = e.vecs(4);
  e.set(t0, () => f.shuffle32(e.get(rows[0]), e.get(rows[1]), [0, 4, 1, 5]));
  e.set(t1, () => f.shuffle32(e.get(rows[2]), e.get(rows[3]), [0, 4, 1, 5]));
  e.set(t2, () => f.shuffle32(e.get(rows[0]), e.get(rows[1]), [2, 6, 3, 7]));
  e.set(t3, () => f.shuffle32(e.get(rows[2]), e.get(rows[3]), [2, 6, 3, 7]));
  const columns = e.vecs(4);
  e.set(columns[0], () => f.shuffle32(e.get(t0), e.get(t1), [0, 1, 4, 5]));
  e.set(columns[1], () => f.shuffle32(e.get(t0), e.get(t1), [2, 3, 6, 7]));
  e.set(columns[2], () => f.shuffle32(e.get(t2), e.get(t3), [0, 1, 4, 5]));
  e.set(columns[3], () => f.shuffle32(e.get(t2), e.get(t3), [2, 3, 6, 7]));
  return columns;
}

/**
 * NGLL 5 in single precision: element k's points j = 0…4 of a row are floats 4k + j, so a row
 * of the group is 17 consecutive floats: four vector loads, a transpose, and one more float.
 */
function gatherTransposed(e: ForcesEmitter): void {
  const { f } = e;
  for (const [field, target] of [
    ["ux", e.S.ux],
    ["uz", e.S.uz],
  ] as const) {
    for (let i = 0; i < 5; i++) {
      const row = () => e.get(e.rows[field][i]);
      const quads = e.vecs(4);
      e.setEach(quads, (q) => f.v128Load(row(), 16 * q));
      const last = e.vec();
      e.set(last, () => f.v128Load32Splat(row(), 64));
      const columns = transpose4(e, quads);
      for (let j = 0; j < 4; j++) e.store(target(i * 5 + j), () => e.get(columns[j]));
      // j = 4 of element k is j = 0 of element k + 1: floats 4, 8, 12, 16.
      e.store(target(i * 5 + 4), () => f.shuffle32(e.get(columns[0]), e.get(last), [1, 2, 3, 4]));
    }
  }
}

/** ∂u/∂ξ along each column j (set 0 = D), then ∂u/∂γ along each row i, for ux and uz. */
function gradients(e: ForcesEmitter): void {
  const { n, S } = e;
  for (const [from, alongXi, alongGamma] of [
    [S.ux, S.t1x, S.t2x],
    [S.uz, S.t1z, S.t2z],
  ] as const) {
    for (let j = 0; j < n; j++)
      e.transform(
        0,
        (l) => e.load(from(l * n + j)),
        (i, value) => e.store(alongXi(i * n + j), value),
      );
    for (let i = 0; i < n; i++)
      e.transform(
        0,
        (l) => e.load(from(i * n + l)),
        (j, value) => e.store(alongGamma(i * n + j), value),
      );
  }
}

/** Rectangles: the tractions from the six constants of layout.rectangleConstants. */
function stressesRectangular(e: ForcesEmitter): void {
  const { v, S } = e;
  const c = e.vecs(6);
  e.setEach(c, (index) => e.groupVector(3 + index));
  const g = (local: number) => e.get(local);
  const [duxdxi, duzdxi, duxdgamma, duzdgamma] = e.vecs(4);
  for (let k = 0; k < e.nn; k++) {
    e.set(duxdxi, () => e.load(S.t1x(k)));
    e.set(duzdxi, () => e.load(S.t1z(k)));
    e.set(duxdgamma, () => e.load(S.t2x(k)));
    e.set(duzdgamma, () => e.load(S.t2z(k)));
    e.store(S.t1x(k), () => v.add(v.mul(g(c[0]), g(duxdxi)), v.mul(g(c[1]), g(duzdgamma))));
    e.store(S.t2z(k), () => v.add(v.mul(g(c[2]), g(duzdgamma)), v.mul(g(c[1]), g(duxdxi))));
    e.store(S.t1z(k), () => v.add(v.mul(g(c[3]), g(duzdxi)), v.mul(g(c[4]), g(duxdgamma))));
    e.store(S.t2x(k), () => v.add(v.mul(g(c[4]), g(duzdxi)), v.mul(g(c[5]), g(duxdgamma))));
  }
}

function stressesGeneral(e: ForcesEmitter): void {
  const { v, S } = e;
  const g = (local: number) => e.get(local);
  const m = { lambda: e.vec(), mu: e.vec(), lambda2mu: e.vec() };
  e.set(m.lambda, () => e.groupVector(0));
  e.set(m.mu, () => e.groupVector(1));
  e.set(m.lambda2mu, () => e.groupVector(2));
  const [xix, xiz, gammax, gammaz, jacobian] = e.vecs(5);
  const [duxdxi, duzdxi, duxdgamma, duzdgamma, duxdx, duxdz, duzdx, duzdz, sxx, szz, sxz] = e.vecs(11);
  for (let k = 0; k < e.nn; k++) {
    const geometry = GROUP_HEADER_VECTORS + 5 * k;
    e.setEach([xix, xiz, gammax, gammaz, jacobian], (field) => e.groupVector(geometry + field));
    e.set(duxdxi, () => e.load(S.t1x(k)));
    e.set(duzdxi, () => e.load(S.t1z(k)));
    e.set(duxdgamma, () => e.load(S.t2x(k)));
    e.set(duzdgamma, () => e.load(S.t2z(k)));
    const chain = (alongXi: number, alongGamma: number, a: number, b: number) => () =>
      v.add(v.mul(g(alongXi), g(a)), v.mul(g(alongGamma), g(b)));
    e.set(duxdx, chain(duxdxi, duxdgamma, xix, gammax));
    e.set(duxdz, chain(duxdxi, duxdgamma, xiz, gammaz));
    e.set(duzdx, chain(duzdxi, duzdgamma, xix, gammax));
    e.set(duzdz, chain(duzdxi, duzdgamma, xiz, gammaz));
    e.set(sxx, () => v.add(v.mul(g(m.lambda2mu), g(duxdx)), v.mul(g(m.lambda), g(duzdz))));
    e.set(szz, () => v.add(v.mul(g(m.lambda2mu), g(duzdz)), v.mul(g(m.lambda), g(duxdx))));
    e.set(sxz, () => v.mul(g(m.mu), v.add(g(duzdx), g(duxdz))));
    const traction = (a: number, b: number, c: number, d: number) => () =>
      v.mul(g(jacobian), v.add(v.mul(g(a), g(b)), v.mul(g(c), g(d))));
    e.store(S.t1x(k), traction(sxx, xix, sxz, xiz));
    e.store(S.t1z(k), traction(sxz, xix, szz, xiz));
    e.store(S.t2x(k), traction(sxx, gammax, sxz, gammaz));
    e.store(S.t2z(k), traction(sxz, gammax, szz, gammaz));
  }
}

/**
 * f(i, j) = w_j Σ_l w_l D(l, i) t1(l, j) + w_i Σ_l w_l D(l, j) t2(i, l): the first term along
 * each column j (set 1 + j), stored; the second along each row i (set 1 + i), added to it.
 */
function divergence(e: ForcesEmitter): void {
  const { n, S, v } = e;
  for (const [alongXi, alongGamma, target] of [
    [S.t1x, S.t2x, S.fx],
    [S.t1z, S.t2z, S.fz],
  ] as const) {
    for (let j = 0; j < n; j++)
      e.transform(
        1 + j,
        (l) => e.load(alongXi(l * n + j)),
        (i, value) => e.store(target(i * n + j), value),
      );
    for (let i = 0; i < n; i++)
      e.transform(
        1 + i,
        (l) => e.load(alongGamma(i * n + l)),
        (j, value) => e.store(target(i * n + j), () => v.add(e.load(target(i * n + j)), value())),
      );
  }
}

/** Element by element (lane by lane), so that shared points get the contributions in mesh order. */
function scatterByLanes(e: ForcesEmitter, scalar: Arithmetic): void {
  const { f, n, bytes, laneCount, S } = e;
  for (let lane = 0; lane < laneCount; lane++) {
    const body = () => {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const at = (lane * (n - 1) + j) * bytes;
          const k = i * n + j;
          for (const [field, offset] of [
            ["fx", S.fx(k)],
            ["fz", S.fz(k)],
          ] as const) {
            const row = () => e.get(e.rows[field][i]);
            scalar.store(
              row(),
              scalar.sub(scalar.load(row(), at), scalar.load(e.get(e.scratch), offset + lane * bytes)),
              at,
            );
          }
        }
      }
    };
    if (lane === 0) body();
    else f.if(f.i32GtU(f.i32And(e.get(e.info), f.i32Const(255)), f.i32Const(lane)), body);
  }
}

/**
 * NGLL 5 in single precision, all four lanes real: a row's 17 floats get their contributions as
 * four vectors and one float. Float 4q (q = 1…3) is shared by elements q − 1 (its j = 4) and q
 * (j = 0); it gets element q − 1's contribution first, as in mesh order (the other lanes of that
 * vector subtract an exact zero).
 */
function scatterTransposed(e: ForcesEmitter): void {
  const { f, S, v } = e;
  const zero = e.vec();
  e.set(zero, () => f.f32x4Splat(f.f32Const(0)));
  for (const [field, offsets] of [
    ["fx", S.fx],
    ["fz", S.fz],
  ] as const) {
    for (let i = 0; i < 5; i++) {
      const row = () => e.get(e.rows[field][i]);
      const contributions = e.vecs(5);
      e.setEach(contributions, (j) => e.load(offsets(i * 5 + j)));
      const byElement = transpose4(e, contributions.slice(0, 4));
      for (let q = 0; q < 4; q++) {
        const quad = e.vec();
        e.set(quad, () => v.load(row(), 16 * q));
        if (q > 0)
          e.set(quad, () =>
            v.sub(e.get(quad), f.shuffle32(e.get(contributions[4]), e.get(zero), [q - 1, 4, 4, 4])),
          );
        v.store(row(), v.sub(e.get(quad), e.get(byElement[q])), 16 * q);
      }
      f.f32Store(
        row(),
        f.f32Sub(f.f32Load(row(), 64), f.f32Load(e.get(e.scratch), offsets(i * 5 + 4) + 12)),
        64,
      );
    }
  }
}

export function forcesFunction(ngll: number, precision: Precision, transposed: boolean): FunctionBuilder {
  if (transposed && (ngll !== 5 || precision !== "single"))
    throw new RangeError("the transposed gather and scatter are for NGLL 5 in single precision");
  const e = new ForcesEmitter(ngll, precision);
  const { f, n, bytes, laneCount } = e;
  const [c0, c1] = [1, 2];
  const header = (slot: number) => headerLocal(f, 0, slot);
  const groups = header(LAYOUT_SLOTS.groups);
  const groupInfo = header(LAYOUT_SLOTS.groupInfo);
  const pointColumnBytes = header(LAYOUT_SLOTS.pointColumnBytes);
  const groupsPerColumn = header(LAYOUT_SLOTS.groupsPerColumn);
  const elementColumnBytes = header(LAYOUT_SLOTS.elementColumnBytes);
  const [c, q, g, columnOffset, base] = Array.from({ length: 5 }, () => f.local(I32));
  const rowStride = Array.from({ length: n }, () => f.local(I32));
  const get = (local: number) => f.localGet(local);
  for (let i = 0; i < n; i++) f.localSet(rowStride[i], f.i32Mul(get(pointColumnBytes), f.i32Const(i)));
  const fullGroup = () => f.i32GeU(f.i32And(get(e.info), f.i32Const(255)), f.i32Const(laneCount));

  const groupBody = () => {
    f.localSet(e.groupPtr, f.i32Add(get(groups), f.i32Mul(get(g), f.i32Const(groupVectors(n) * 16))));
    f.localSet(e.info, f.i32Load(f.i32Add(get(groupInfo), f.i32Mul(get(g), f.i32Const(4)))));
    f.localSet(base, f.i32Add(get(columnOffset), f.i32Mul(get(q), f.i32Const(laneCount * (n - 1) * bytes))));
    setRows(e, base, rowStride);
    // The lanes past a column's last element read (and never write) points beyond it.
    if (transposed) gatherTransposed(e);
    else gatherByLanes(e);
    gradients(e);
    f.if(
      f.i32And(get(e.info), f.i32Const(256)),
      () => stressesRectangular(e),
      () => stressesGeneral(e),
    );
    divergence(e);
    if (transposed)
      f.if(
        fullGroup(),
        () => scatterTransposed(e),
        () => scatterByLanes(e, scalarArithmetic(f, precision)),
      );
    else scatterByLanes(e, scalarArithmetic(f, precision));
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
          groupBody();
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
