/**
 * Moving a group's displacement from the global arrays into the scratch block (gather) and its
 * forces back (scatter-add), lane by lane for any NGLL and precision, or as whole vectors with
 * 4 × 4 transposes for NGLL 5 in single precision.
 */
import type { Expr } from "./assembler.ts";
import type { ForcesEmitter } from "./forces-emitter.ts";
import type { Arithmetic } from "./source-helpers.ts";

/** Row pointers of the group whose first point is at byte offset `base` of every array. */
export function setRows(e: ForcesEmitter, base: number, rowStride: number[]): void {
  const f = e.f;
  for (const field of ["ux", "uz", "fx", "fz"] as const)
    for (let i = 0; i < e.n; i++)
      f.localSet(
        e.rows[field][i],
        f.i32Add(e.get(e.arrays[field]), f.i32Add(e.get(base), e.get(rowStride[i]))),
      );
}

/** Lane k of point (i, j) is at row i, (k (ngll − 1) + j) floats in: one lane load each. */
export function gatherByLanes(e: ForcesEmitter): void {
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
export function gatherTransposed(e: ForcesEmitter): void {
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

/** Element by element (lane by lane), so that shared points get the contributions in mesh order. */
export function scatterByLanes(e: ForcesEmitter, scalar: Arithmetic): void {
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
export function scatterTransposed(e: ForcesEmitter): void {
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
