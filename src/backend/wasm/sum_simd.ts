/**
 * Column sums of a row-major rows × columns float32 matrix as a SIMD loop of our own (see
 * simd_module.ts): up to 32 columns at a time in f32x4 registers over blocks of 64 rows, each
 * block's sums then added into float64 totals, so long sums (a bias gradient adds 86,528 rows)
 * keep the accuracy of the float64 scalar loop in sum.ts to within a block's float32 rounding.
 *
 * @module
 */
import { Code, type FunctionSpec, Op, SimdOp, ValueType } from "./wasm_encoder.ts";
import { compiledKernel } from "./simd_module.ts";
import type { WasmBackendLike } from "./kernel_call.ts";

/** Rows summed in float32 before their sums go into the float64 totals. */
const BLOCK_ROWS = 64;
/** Columns (4 per vector) one pass keeps in registers. */
const CHUNK_VECTORS = 8;

/**
 * `run(x, totals, rows)`: adds the column sums of `rows` rows at `x` to the float64 `totals`
 * (byte addresses). `columns` (a multiple of 4) is baked in.
 */
function columnSumFunction(columns: number): FunctionSpec {
  const [x, totals, rows] = [0, 1, 2];
  const [p, remaining, n] = [3, 4, 5];
  const acc = (v: number) => 6 + v;
  const high = 6 + CHUNK_VECTORS;
  const c = new Code();
  const rowBytes = columns * 4;
  for (let first = 0; first < columns / 4; first += CHUNK_VECTORS) {
    const vectors = Math.min(CHUNK_VECTORS, columns / 4 - first);
    c.get(x).const(first * 16).op(Op.i32Add).set(p).get(rows).set(remaining);
    c.op(Op.loop, 0x40); // blocks of rows
    for (let v = 0; v < vectors; v++) c.zeroV128().set(acc(v));
    c.minConst(n, remaining, BLOCK_ROWS);
    c.get(remaining).get(n).op(Op.i32Sub).set(remaining);
    c.op(Op.loop, 0x40); // rows of the block
    for (let v = 0; v < vectors; v++) {
      c.get(acc(v)).get(p).simd(SimdOp.v128Load, { align: 2, offset: 16 * v })
        .simd(SimdOp.f32x4Add).set(acc(v));
    }
    c.addConst(p, rowBytes);
    c.countDown(n);
    for (let v = 0; v < vectors; v++) {
      const at = (first + v) * 32; // 4 float64 totals per vector
      // Lanes 2–3 moved down, so both halves promote with promote_low.
      c.get(acc(v)).get(acc(v)).simd(SimdOp.i8x16Shuffle);
      c.bytes.push(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
      c.set(high);
      for (const [half, offset] of [[acc(v), at], [high, at + 16]]) {
        c.get(totals);
        c.get(totals).simd(SimdOp.v128Load, { align: 3, offset });
        c.get(half).simd(SimdOp.f64x2PromoteLowF32x4).simd(SimdOp.f64x2Add);
        c.simd(SimdOp.v128Store, { align: 3, offset });
      }
    }
    c.get(remaining).op(Op.brIf, 0).op(Op.end);
  }
  return {
    name: "run",
    params: 3,
    locals: [
      { type: ValueType.i32, count: 3 },
      { type: ValueType.v128, count: CHUNK_VECTORS + 1 },
    ],
    body: c,
  };
}

/**
 * Column sums of `values` (a heap view, `rows` × `columns`, columns a multiple of 4, rows ≥ 1)
 * into `out` (a heap view of `columns` floats), or false when the backend's memory is not
 * reachable.
 *
 * @example
 * ```ts ignore
 * // A step inside the Sum kernel: values and out must be views of the wasm heap; the Sum
 * // example in sum.ts runs it.
 * if (columns % 4 === 0) done = sumColumnsBySimd(values, rows, columns, out, backend);
 * ```
 */
export function sumColumnsBySimd(
  values: Float32Array,
  rows: number,
  columns: number,
  out: Float32Array,
  backend: WasmBackendLike,
): boolean {
  const kernel = compiledKernel(
    backend,
    `column-sum ${columns}`,
    () => [columnSumFunction(columns)],
  );
  if (!kernel) return false;
  // Addresses first: allocating may grow the heap, and detached views report offset 0.
  const valuesAt = values.byteOffset, outAt = out.byteOffset;
  // Two float64 totals rows: this thread's and the helper thread's.
  const scratch = backend.makeOutput([4 * columns], "float32");
  try {
    // Views after the allocation, which may have grown the heap and detached older views.
    const heap = backend.typedArrayFromHeap(scratch).buffer;
    const at = backend.typedArrayFromHeap(scratch).byteOffset;
    const totals = new Float64Array(heap, at, 2 * columns);
    totals.fill(0);
    // Rows of the second half go to the second totals row.
    kernel.splitRange(rows, (first, n) => [
      valuesAt + first * columns * 4,
      first === 0 ? at : at + columns * 8,
      n,
    ]);
    const target = new Float32Array(heap, outAt, columns);
    for (let c = 0; c < columns; c++) target[c] = totals[c] + totals[columns + c];
  } finally {
    backend.disposeData(scratch.dataId);
  }
  return true;
}
