/**
 * Compiles the generated kernel module (once per thread, NGLL and precision) and binds an
 * instance to a solver's shared memory.
 */
import type { StepKernels } from "../step-kernels.ts";
import { type KernelMemory, MAX_KERNEL_THREADS } from "./kernel-memory.ts";
import { semKernelModule } from "./kernel-source.ts";
import { type Precision, scratchBytes } from "./layout.ts";

interface KernelExports {
  forces(layout: number, c0: number, c1: number, scratch: number): void;
  predict(layout: number, p0: number, p1: number): void;
  correct(layout: number, p0: number, p1: number): void;
  correctPredict(layout: number, p0: number, p1: number): void;
}

const compiled = new Map<string, WebAssembly.Module>();
const instances = new WeakMap<WebAssembly.Memory, Map<string, KernelExports>>();

function kernelModule(ngll: number, precision: Precision): WebAssembly.Module {
  const key = `${ngll}-${precision}`;
  let module = compiled.get(key);
  if (!module) {
    module = new WebAssembly.Module(semKernelModule(ngll, precision));
    compiled.set(key, module);
  }
  return module;
}

function kernelExports(memory: KernelMemory, ngll: number): KernelExports {
  let byModule = instances.get(memory.memory);
  if (!byModule) {
    byModule = new Map();
    instances.set(memory.memory, byModule);
  }
  const key = `${ngll}-${memory.precision}`;
  let exports = byModule.get(key);
  if (!exports) {
    const instance = new WebAssembly.Instance(kernelModule(ngll, memory.precision), {
      env: { memory: memory.memory },
    });
    exports = instance.exports as unknown as KernelExports;
    byModule.set(key, exports);
  }
  return exports;
}

export function wasmStepKernels(memory: KernelMemory, ngll: number, thread: number): StepKernels {
  if (thread >= MAX_KERNEL_THREADS) throw new RangeError(`at most ${MAX_KERNEL_THREADS} SEM threads`);
  const exports = kernelExports(memory, ngll);
  const { layout } = memory;
  const scratch = memory.scratch + thread * scratchBytes(ngll);
  return {
    forces: (c0, c1) => exports.forces(layout, c0, c1, scratch),
    predict: (p0, p1) => exports.predict(layout, p0, p1),
    correct: (p0, p1, predictNext) =>
      predictNext ? exports.correctPredict(layout, p0, p1) : exports.correct(layout, p0, p1),
  };
}
