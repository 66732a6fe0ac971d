import type { Tensor } from "./graph.ts";

/**
 * Adam (Kingma & Ba 2015) with the usual defaults; deterministic (no randomness, a fixed order
 * of the parameters), so that a seed fixes the trained model.
 */
export class Adam {
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private step = 0;
  constructor(
    private readonly parameters: Tensor[],
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    this.m = parameters.map((p) => new Float64Array(p.size));
    this.v = parameters.map((p) => new Float64Array(p.size));
  }

  update(): void {
    this.step++;
    const c1 = 1 - this.beta1 ** this.step;
    const c2 = 1 - this.beta2 ** this.step;
    for (let k = 0; k < this.parameters.length; k++) {
      const { value, grad } = this.parameters[k];
      const m = this.m[k];
      const v = this.v[k];
      for (let i = 0; i < value.length; i++) {
        m[i] = this.beta1 * m[i] + (1 - this.beta1) * grad[i];
        v[i] = this.beta2 * v[i] + (1 - this.beta2) * grad[i] * grad[i];
        value[i] -= (this.learningRate * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + this.epsilon);
      }
    }
  }
}
