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
import { type FunctionBuilder, I32 } from "./assembler.ts";
import { ForcesEmitter } from "./forces-emitter.ts";
import {
  gatherByLanes,
  gatherTransposed,
  scatterByLanes,
  scatterTransposed,
  setRows,
} from "./gather-scatter.ts";
import { GROUP_HEADER_VECTORS, groupVectors, LAYOUT_SLOTS, type Precision } from "./layout.ts";
import { headerLocal, scalarArithmetic } from "./source-helpers.ts";

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
