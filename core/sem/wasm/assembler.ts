/**
 * A small WebAssembly binary writer: just what the SEM kernels need (i32 and float scalars,
 * 128-bit SIMD, one imported shared memory, exported functions). Writing the bytes ourselves keeps
 * the kernel source in TypeScript, generated when the solver starts, with no tool at install
 * time and no binary file in the repository. Opcodes: WebAssembly Core Specification 2.0,
 * §5.4 (instructions) and §5.5 (modules).
 *
 * Instructions are emitted in call order. Because JavaScript evaluates the arguments of a call
 * before the call, a nested expression such as `f.f64Add(f.localGet(a), f.localGet(b))` emits
 * its operands first and its operator last: exactly WebAssembly's stack order. The arguments
 * themselves are ignored; they only order the emission.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/** The value of an emitted expression: nothing (the instruction bytes are already written). */
export type Expr = undefined;

function unsignedLeb(value: number, out: number[]): void {
  let rest = value >>> 0;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    out.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
}

function signedLeb(value: number, out: number[]): void {
  let rest = value | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** Appends without spreading into arguments (function bodies can exceed the argument limit). */
function append(out: number[], items: ArrayLike<number>): void {
  for (let k = 0; k < items.length; k++) out.push(items[k]);
}

function vector(items: number[][], out: number[]): void {
  unsignedLeb(items.length, out);
  for (const item of items) append(out, item);
}

function utf8Name(name: string): number[] {
  const bytes = [...new TextEncoder().encode(name)];
  const out: number[] = [];
  unsignedLeb(bytes.length, out);
  return [...out, ...bytes];
}

const SIMD = 0xfd;

/** Body of one function. Parameters are locals 0 … n−1; `local` adds more. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly locals: ValueType[] = [];

  constructor(
    readonly name: string,
    readonly params: ValueType[],
  ) {}

  local(type: ValueType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  /** The function body as the code section wants it (local declarations, code, end). */
  body(): number[] {
    const groups: number[][] = [];
    for (const type of this.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === type) last[0]++;
      else groups.push([1, type]);
    }
    const out: number[] = [];
    vector(
      groups.map(([count, type]) => {
        const entry: number[] = [];
        unsignedLeb(count, entry);
        return [...entry, type];
      }),
      out,
    );
    append(out, this.code);
    out.push(0x0b);
    const sized: number[] = [];
    unsignedLeb(out.length, sized);
    append(sized, out);
    return sized;
  }

  private op(...bytes: number[]): Expr {
    this.code.push(...bytes);
    return undefined;
  }

  private withIndex(opcode: number, index: number): Expr {
    this.code.push(opcode);
    unsignedLeb(index, this.code);
    return undefined;
  }

  private memory(opcodeBytes: number[], alignLog2: number, offset: number): Expr {
    if (offset < 0 || offset > 0xffffffff) throw new RangeError(`memory offset ${offset} out of range`);
    this.code.push(...opcodeBytes);
    unsignedLeb(alignLog2, this.code);
    unsignedLeb(offset, this.code);
    return undefined;
  }

  private simd(opcode: number, ..._operands: Expr[]): Expr {
    this.code.push(SIMD);
    unsignedLeb(opcode, this.code);
    return undefined;
  }

  // Control. Blocks take a body callback; `br` depths count outwards from the innermost block.
  block(body: () => void): Expr {
    this.op(0x02, 0x40);
    body();
    return this.op(0x0b);
  }
  loop(body: () => void): Expr {
    this.op(0x03, 0x40);
    body();
    return this.op(0x0b);
  }
  if(_condition: Expr, then: () => void, otherwise?: () => void): Expr {
    this.op(0x04, 0x40);
    then();
    if (otherwise) {
      this.op(0x05);
      otherwise();
    }
    return this.op(0x0b);
  }
  br(depth: number): Expr {
    return this.withIndex(0x0c, depth);
  }
  brIf(depth: number, _condition: Expr): Expr {
    return this.withIndex(0x0d, depth);
  }

  // Locals.
  localGet(index: number): Expr {
    return this.withIndex(0x20, index);
  }
  localSet(index: number, _value: Expr): Expr {
    return this.withIndex(0x21, index);
  }

  // i32.
  i32Const(value: number): Expr {
    this.code.push(0x41);
    signedLeb(value, this.code);
    return undefined;
  }
  i32Add(_a: Expr, _b: Expr): Expr {
    return this.op(0x6a);
  }
  i32Sub(_a: Expr, _b: Expr): Expr {
    return this.op(0x6b);
  }
  i32Mul(_a: Expr, _b: Expr): Expr {
    return this.op(0x6c);
  }
  i32GtU(_a: Expr, _b: Expr): Expr {
    return this.op(0x4b);
  }
  i32GeU(_a: Expr, _b: Expr): Expr {
    return this.op(0x4f);
  }
  i32And(_a: Expr, _b: Expr): Expr {
    return this.op(0x71);
  }
  i32Load(_address: Expr, offset = 0): Expr {
    return this.memory([0x28], 2, offset);
  }

  // Scalar floats (align is a hint; the natural alignment of the type).
  f32Load(_address: Expr, offset = 0): Expr {
    return this.memory([0x2a], 2, offset);
  }
  f64Load(_address: Expr, offset = 0): Expr {
    return this.memory([0x2b], 3, offset);
  }
  f32Store(_address: Expr, _value: Expr, offset = 0): Expr {
    return this.memory([0x38], 2, offset);
  }
  f64Store(_address: Expr, _value: Expr, offset = 0): Expr {
    return this.memory([0x39], 3, offset);
  }
  f32Const(value: number): Expr {
    const bytes = new Uint8Array(new Float32Array([value]).buffer);
    return this.op(0x43, ...bytes);
  }
  f64Const(value: number): Expr {
    const bytes = new Uint8Array(new Float64Array([value]).buffer);
    return this.op(0x44, ...bytes);
  }
  f32Add(_a: Expr, _b: Expr): Expr {
    return this.op(0x92);
  }
  f32Sub(_a: Expr, _b: Expr): Expr {
    return this.op(0x93);
  }
  f32Mul(_a: Expr, _b: Expr): Expr {
    return this.op(0x94);
  }
  f64Add(_a: Expr, _b: Expr): Expr {
    return this.op(0xa0);
  }
  f64Sub(_a: Expr, _b: Expr): Expr {
    return this.op(0xa1);
  }
  f64Mul(_a: Expr, _b: Expr): Expr {
    return this.op(0xa2);
  }

  // 128-bit SIMD (opcodes after the 0xfd prefix).
  v128Load(_address: Expr, offset = 0): Expr {
    return this.memory([SIMD, 0x00], 4, offset);
  }
  v128Store(_address: Expr, _value: Expr, offset = 0): Expr {
    return this.memory([SIMD, 0x0b], 4, offset);
  }
  v128Load32Splat(_address: Expr, offset = 0): Expr {
    return this.memory([SIMD, 0x09], 2, offset);
  }
  v128Load64Splat(_address: Expr, offset = 0): Expr {
    return this.memory([SIMD, 0x0a], 3, offset);
  }
  /** Replaces lane `lane` of `vector` with the 32-bit value at address + offset. */
  v128Load32Lane(_address: Expr, _vector: Expr, offset: number, lane: number): Expr {
    this.memory([SIMD, 0x56], 2, offset);
    return this.op(lane);
  }
  v128Load64Lane(_address: Expr, _vector: Expr, offset: number, lane: number): Expr {
    this.memory([SIMD, 0x57], 3, offset);
    return this.op(lane);
  }
  /** i8x16.shuffle by 32-bit lanes: lanes 0–3 pick from `a`, 4–7 from `b`. */
  shuffle32(_a: Expr, _b: Expr, lanes: [number, number, number, number]): Expr {
    this.code.push(SIMD, 0x0d);
    for (const lane of lanes) this.code.push(4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3);
    return undefined;
  }
  f32x4Splat(a: Expr): Expr {
    return this.simd(0x13, a);
  }
  f64x2Splat(a: Expr): Expr {
    return this.simd(0x14, a);
  }
  f32x4Add(a: Expr, b: Expr): Expr {
    return this.simd(0xe4, a, b);
  }
  f32x4Sub(a: Expr, b: Expr): Expr {
    return this.simd(0xe5, a, b);
  }
  f32x4Mul(a: Expr, b: Expr): Expr {
    return this.simd(0xe6, a, b);
  }
  f64x2Add(a: Expr, b: Expr): Expr {
    return this.simd(0xf0, a, b);
  }
  f64x2Sub(a: Expr, b: Expr): Expr {
    return this.simd(0xf1, a, b);
  }
  f64x2Mul(a: Expr, b: Expr): Expr {
    return this.simd(0xf2, a, b);
  }
}

/**
 * A module of exported functions (all returning nothing) over one imported shared memory
 * `env.memory`, which the solver allocates so that every worker thread sees the same wavefield.
 */
export function assembleModule(functions: FunctionBuilder[]): Uint8Array<ArrayBuffer> {
  const section = (id: number, content: number[]): number[] => {
    const out = [id];
    unsignedLeb(content.length, out);
    append(out, content);
    return out;
  };
  const types: number[] = [];
  vector(
    functions.map((f) => {
      const entry = [0x60];
      vector(
        f.params.map((p) => [p]),
        entry,
      );
      entry.push(0x00); // no results
      return entry;
    }),
    types,
  );
  // Shared memory with limits 0 … 65536 pages (4 GiB): any size the solver chooses fits.
  const memoryImport = [...utf8Name("env"), ...utf8Name("memory"), 0x02, 0x03, 0x00];
  unsignedLeb(65536, memoryImport);
  const imports: number[] = [];
  vector([memoryImport], imports);
  const declarations: number[] = [];
  vector(
    functions.map((_, index) => {
      const entry: number[] = [];
      unsignedLeb(index, entry);
      return entry;
    }),
    declarations,
  );
  const exports: number[] = [];
  vector(
    functions.map((f, index) => {
      const entry = [...utf8Name(f.name), 0x00];
      unsignedLeb(index, entry);
      return entry;
    }),
    exports,
  );
  const code: number[] = [];
  vector(
    functions.map((f) => f.body()),
    code,
  );
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, declarations),
    ...section(7, exports),
    ...section(10, code),
  ]);
}
