/**
 * A small reverse-mode automatic differentiation over Float64Array matrices, enough for a
 * multilayer perceptron followed by closed-form physics (docs/peml.md explains why it is written
 * here rather than taken from npm).
 *
 * The graph is static: every operation allocates its value and gradient buffers once, when the
 * graph is built for a batch size; `forward()` and `backward()` then run the recorded operations
 * again and again over those buffers, so a training loop allocates nothing per step or per sample.
 * Tensors are row-major `rows x cols`; a binary operation takes two tensors of one shape, or one
 * of them 1 x 1 (broadcast as a scalar).
 */
import { UNARY_NAMES, type UnaryName, unaryBackward, unaryForward } from "./elementwise.ts";

export class Tensor {
  readonly value: Float64Array;
  readonly grad: Float64Array;
  constructor(
    readonly rows: number,
    readonly cols: number,
  ) {
    this.value = new Float64Array(rows * cols);
    this.grad = new Float64Array(rows * cols);
  }

  get size(): number {
    return this.value.length;
  }
}

interface Operation {
  forward(): void;
  backward(): void;
}

const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;

export class Graph {
  private readonly operations: Operation[] = [];
  private readonly tensors: Tensor[] = [];
  /** Trainable tensors in creation order (what the optimiser updates). */
  readonly parameters: Tensor[] = [];

  private tensor(rows: number, cols: number): Tensor {
    const t = new Tensor(rows, cols);
    this.tensors.push(t);
    return t;
  }

  private record(operation: Operation): void {
    this.operations.push(operation);
  }

  /** Data fed in before each forward pass (no gradient is used). */
  input(rows: number, cols: number): Tensor {
    return this.tensor(rows, cols);
  }

  parameter(rows: number, cols: number, initial?: ArrayLike<number>): Tensor {
    const t = this.tensor(rows, cols);
    if (initial) t.value.set(initial);
    this.parameters.push(t);
    return t;
  }

  /** (n x k) (k x h) -> n x h. */
  matmul(a: Tensor, b: Tensor): Tensor {
    if (a.cols !== b.rows) throw new Error(`matmul: ${a.rows}x${a.cols} by ${b.rows}x${b.cols}`);
    const n = a.rows;
    const k = a.cols;
    const h = b.cols;
    const out = this.tensor(n, h);
    this.record({
      forward() {
        const A = a.value;
        const B = b.value;
        const C = out.value;
        C.fill(0);
        for (let i = 0; i < n; i++) {
          for (let l = 0; l < k; l++) {
            const x = A[i * k + l];
            if (x === 0) continue;
            for (let j = 0; j < h; j++) C[i * h + j] += x * B[l * h + j];
          }
        }
      },
      backward() {
        const A = a.value;
        const B = b.value;
        const G = out.grad;
        for (let i = 0; i < n; i++) {
          for (let l = 0; l < k; l++) {
            let ga = 0;
            const x = A[i * k + l];
            for (let j = 0; j < h; j++) {
              const g = G[i * h + j];
              ga += g * B[l * h + j];
              b.grad[l * h + j] += x * g;
            }
            a.grad[i * k + l] += ga;
          }
        }
      },
    });
    return out;
  }

  /** Adds a 1 x h row (a bias) to every row of an n x h tensor. */
  addRow(a: Tensor, row: Tensor): Tensor {
    if (row.rows !== 1 || row.cols !== a.cols) throw new Error("addRow: the row must be 1 x cols");
    const out = this.tensor(a.rows, a.cols);
    const h = a.cols;
    this.record({
      forward() {
        for (let i = 0; i < out.size; i++) out.value[i] = a.value[i] + row.value[i % h];
      },
      backward() {
        for (let i = 0; i < out.size; i++) {
          a.grad[i] += out.grad[i];
          row.grad[i % h] += out.grad[i];
        }
      },
    });
    return out;
  }

  add(a: Tensor, b: Tensor): Tensor {
    return this.binary(a, b, ADD);
  }

  sub(a: Tensor, b: Tensor): Tensor {
    return this.binary(a, b, SUB);
  }

  mul(a: Tensor, b: Tensor): Tensor {
    return this.binary(a, b, MUL);
  }

  div(a: Tensor, b: Tensor): Tensor {
    return this.binary(a, b, DIV);
  }

  /** Elementwise binary operation; a 1 x 1 operand is broadcast (its gradient is summed). */
  private binary(a: Tensor, b: Tensor, kind: number): Tensor {
    const shapeOf = a.size >= b.size ? a : b;
    if (!(a.size === 1 || b.size === 1 || (a.rows === b.rows && a.cols === b.cols)))
      throw new Error(`shape mismatch ${a.rows}x${a.cols} and ${b.rows}x${b.cols}`);
    const out = this.tensor(shapeOf.rows, shapeOf.cols);
    const sa = a.size === 1 ? 0 : 1;
    const sb = b.size === 1 ? 0 : 1;
    const same = sa === 1 && sb === 1;
    this.record({
      forward() {
        const A = a.value;
        const B = b.value;
        const C = out.value;
        // The common same-shape cases get their own loops (no broadcasting index, no per-element branch).
        if (same && kind === ADD) for (let i = 0; i < C.length; i++) C[i] = A[i] + B[i];
        else if (same && kind === MUL) for (let i = 0; i < C.length; i++) C[i] = A[i] * B[i];
        else {
          for (let i = 0; i < C.length; i++) {
            const x = A[i * sa];
            const y = B[i * sb];
            C[i] = kind === ADD ? x + y : kind === SUB ? x - y : kind === MUL ? x * y : x / y;
          }
        }
      },
      backward() {
        const G = out.grad;
        const A = a.value;
        const B = b.value;
        const GA = a.grad;
        const GB = b.grad;
        if (same && kind === ADD) {
          for (let i = 0; i < G.length; i++) {
            GA[i] += G[i];
            GB[i] += G[i];
          }
          return;
        }
        if (same && kind === MUL) {
          for (let i = 0; i < G.length; i++) {
            GA[i] += G[i] * B[i];
            GB[i] += G[i] * A[i];
          }
          return;
        }
        for (let i = 0; i < G.length; i++) {
          const g = G[i];
          const x = A[i * sa];
          const y = B[i * sb];
          if (kind === ADD) {
            GA[i * sa] += g;
            GB[i * sb] += g;
          } else if (kind === SUB) {
            GA[i * sa] += g;
            GB[i * sb] -= g;
          } else if (kind === MUL) {
            GA[i * sa] += g * y;
            GB[i * sb] += g * x;
          } else {
            GA[i * sa] += g / y;
            GB[i * sb] -= (g * x) / (y * y);
          }
        }
      },
    });
    return out;
  }

  /** scale * a + shift, elementwise, with constants. */
  affine(a: Tensor, scale: number, shift = 0): Tensor {
    const out = this.tensor(a.rows, a.cols);
    this.record({
      forward() {
        const A = a.value;
        const C = out.value;
        for (let i = 0; i < C.length; i++) C[i] = scale * A[i] + shift;
      },
      backward() {
        const G = out.grad;
        const GA = a.grad;
        for (let i = 0; i < G.length; i++) GA[i] += scale * G[i];
      },
    });
    return out;
  }

  unary(name: UnaryName, a: Tensor): Tensor {
    const kind = UNARY_NAMES.indexOf(name);
    const out = this.tensor(a.rows, a.cols);
    this.record({
      forward() {
        unaryForward(kind, a.value, out.value);
      },
      backward() {
        unaryBackward(kind, a.value, out.value, out.grad, a.grad);
      },
    });
    return out;
  }

  /** Clamps into [lo, hi]; the gradient is zero where the value was clamped. */
  clamp(a: Tensor, lo: number, hi: number): Tensor {
    const out = this.tensor(a.rows, a.cols);
    this.record({
      forward() {
        for (let i = 0; i < out.size; i++) out.value[i] = Math.min(hi, Math.max(lo, a.value[i]));
      },
      backward() {
        for (let i = 0; i < out.size; i++) {
          const x = a.value[i];
          if (x > lo && x < hi) a.grad[i] += out.grad[i];
        }
      },
    });
    return out;
  }

  /** Column j of an n x k tensor, as n x 1. */
  column(a: Tensor, j: number): Tensor {
    const out = this.tensor(a.rows, 1);
    const k = a.cols;
    this.record({
      forward() {
        for (let i = 0; i < out.size; i++) out.value[i] = a.value[i * k + j];
      },
      backward() {
        for (let i = 0; i < out.size; i++) a.grad[i * k + j] += out.grad[i];
      },
    });
    return out;
  }

  /** sum_i w_i a_i / sum_i w_i (1 x 1); `weight` is data (no gradient), e.g. 0 for padding rows. */
  weightedMean(a: Tensor, weight: Tensor): Tensor {
    if (weight.size !== a.size) throw new Error("weightedMean: weight and values differ in size");
    const out = this.tensor(1, 1);
    let total = 0;
    this.record({
      forward() {
        let sum = 0;
        total = 0;
        for (let i = 0; i < a.size; i++) {
          sum += weight.value[i] * a.value[i];
          total += weight.value[i];
        }
        out.value[0] = total > 0 ? sum / total : 0;
      },
      backward() {
        if (total <= 0) return;
        const g = out.grad[0] / total;
        for (let i = 0; i < a.size; i++) a.grad[i] += g * weight.value[i];
      },
    });
    return out;
  }

  /** Sum of squares of every element (1 x 1): the weight-decay term. */
  sumOfSquares(a: Tensor): Tensor {
    const out = this.tensor(1, 1);
    this.record({
      forward() {
        let sum = 0;
        for (let i = 0; i < a.size; i++) sum += a.value[i] * a.value[i];
        out.value[0] = sum;
      },
      backward() {
        const g = out.grad[0];
        for (let i = 0; i < a.size; i++) a.grad[i] += 2 * g * a.value[i];
      },
    });
    return out;
  }

  forward(): void {
    for (const operation of this.operations) operation.forward();
  }

  /** Gradients of the 1 x 1 `loss` with respect to every tensor (after a forward pass). */
  backward(loss: Tensor): void {
    if (loss.size !== 1) throw new Error("backward: the loss must be 1 x 1");
    for (const t of this.tensors) t.grad.fill(0);
    loss.grad[0] = 1;
    for (let k = this.operations.length - 1; k >= 0; k--) this.operations[k].backward();
  }
}
