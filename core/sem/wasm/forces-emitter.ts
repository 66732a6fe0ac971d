/**
 * The state of the force kernel's generator (forces-source.ts): the locals and scratch layout of
 * one group of elements, and the even–odd line transform all its sums use.
 */
import { type Expr, FunctionBuilder, I32, V128 } from "./assembler.ts";
import { evenOddSetSize, floatBytes, LAYOUT_SLOTS, lanes, type Precision } from "./layout.ts";
import { type Arithmetic, headerLocal, vectorArithmetic } from "./source-helpers.ts";

/** Scratch offsets (bytes) of the 8 per-point vectors, see layout.scratchBytes. */
export function scratchOffsets(ngll: number) {
  const nn = ngll * ngll;
  const at = (block: number) => (k: number) => (block * nn + k) * 16;
  // Blocks 2–5 first hold ∂ux/∂ξ, ∂uz/∂ξ, ∂ux/∂γ, ∂uz/∂γ, then the tractions t1x, t1z, t2x, t2z.
  return { ux: at(0), uz: at(1), t1x: at(2), t1z: at(3), t2x: at(4), t2z: at(5), fx: at(6), fz: at(7) };
}

export type Offsets = ReturnType<typeof scratchOffsets>;

export class ForcesEmitter {
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
