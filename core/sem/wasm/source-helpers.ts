/** Pieces shared by the kernel generators (forces-source.ts, kernel-source.ts). */
import { type Expr, type FunctionBuilder, I32 } from "./assembler.ts";
import type { Precision } from "./layout.ts";

/** Loads, stores and arithmetic of one shape (vector or scalar) of the precision. */
export interface Arithmetic {
  load(address: Expr, offset?: number): Expr;
  store(address: Expr, value: Expr, offset?: number): Expr;
  add(a: Expr, b: Expr): Expr;
  sub(a: Expr, b: Expr): Expr;
  mul(a: Expr, b: Expr): Expr;
}

export function vectorArithmetic(f: FunctionBuilder, precision: Precision): Arithmetic {
  const single = precision === "single";
  return {
    load: (a, o) => f.v128Load(a, o),
    store: (a, v, o) => f.v128Store(a, v, o),
    add: (a, b) => (single ? f.f32x4Add(a, b) : f.f64x2Add(a, b)),
    sub: (a, b) => (single ? f.f32x4Sub(a, b) : f.f64x2Sub(a, b)),
    mul: (a, b) => (single ? f.f32x4Mul(a, b) : f.f64x2Mul(a, b)),
  };
}

export function scalarArithmetic(f: FunctionBuilder, precision: Precision): Arithmetic {
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
export function headerLocal(f: FunctionBuilder, layout: number, slot: number): number {
  const local = f.local(I32);
  f.localSet(local, f.i32Load(f.localGet(layout), slot));
  return local;
}
