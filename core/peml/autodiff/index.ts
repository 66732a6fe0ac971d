// Reverse-mode automatic differentiation over Float64Array matrices (docs/peml.md, "Autodiff").
export { Adam } from "./adam.ts";
export { sigmoid, softplus, type UnaryName } from "./elementwise.ts";
export { Graph, Tensor } from "./graph.ts";
