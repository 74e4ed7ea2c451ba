/**
 * The graph builder and session over libtensorflow's C API: ops, gradients from the C++
 * registry, errors that name the op, and nonblocking runs that keep their order.
 */
import assert from "node:assert/strict";
import { loadTensorflowBackend } from "../mod.ts";
import { DataType } from "./capi.ts";
import { Graph } from "./graph.ts";
import { Session } from "./session.ts";

const skip = Deno.env.get("DIGITKIT_SKIP_TENSORFLOW") === "1";
const F32 = { T: { type: DataType.float } };
const THREADS = { intraOp: 1, interOp: 1 };

Deno.test({
  name: "graph: y = x² and dy/dx = 2x through TF_AddGradients",
  ignore: skip,
  async fn() {
    await loadTensorflowBackend();
    const g = new Graph();
    const x = g.placeholder("x", "float32", [3]);
    const y = g.op("Sum", [g.op("Square", [x], F32)[0], g.constant([0], [1], "int32")], {
      ...F32,
      Tidx: { type: DataType.int32 },
      keep_dims: { bool: false },
    })[0];
    const [dx] = g.gradients(y, [x]);
    const session = new Session(g, THREADS);
    const feed = { dtype: "float32" as const, shape: [3], data: new Float32Array([1, -2, 3]) };
    const [value, grad] = session.run([[x, feed]], [y, dx]);
    assert.deepEqual(Array.from(value), [14]);
    assert.deepEqual(Array.from(grad), [2, -4, 6]);
    session.dispose();
    g.dispose();
  },
});

Deno.test({
  name: "graph: a malformed op fails with libtensorflow's message and the op's name",
  ignore: skip,
  async fn() {
    await loadTensorflowBackend();
    const g = new Graph();
    const x = g.placeholder("x", "float32", [2]);
    assert.throws(
      () => g.op("MatMul", [x, x], F32, { name: "bad_matmul" }),
      /libtensorflow: MatMul 'bad_matmul': .*rank 2/,
    );
    assert.throws(() => g.op("NoSuchOp", [], {}), /NoSuchOp/);
    g.dispose();
  },
});

Deno.test({
  name: "session: nonblocking runs on a variable happen in call order, each after the last",
  ignore: skip,
  async fn() {
    await loadTensorflowBackend();
    const g = new Graph();
    const variable = g.op("VarHandleOp", [], {
      dtype: { type: DataType.float },
      shape: { shape: [] },
      shared_name: { string: "order_test" },
    })[0];
    const read = g.op("ReadVariableOp", [variable], { dtype: { type: DataType.float } })[0];
    const factor = g.placeholder("factor", "float32", []);
    const offset = g.placeholder("offset", "float32", []);
    // v ← v·factor + offset: the final value depends on the order of the runs.
    const next = g.op("AddV2", [g.op("Mul", [read, factor], F32)[0], offset], F32)[0];
    const assign = g.operation("AssignVariableOp", [variable, next], {
      dtype: { type: DataType.float },
    });
    const init = g.operation("AssignVariableOp", [variable, g.constant([1], [])], {
      dtype: { type: DataType.float },
    });
    const session = new Session(g, THREADS);
    session.run([], [], [init]);
    const scalar = (v: number) => ({
      dtype: "float32" as const,
      shape: [],
      data: new Float32Array([v]),
    });
    const runs = [[2, 1], [3, 0], [1, 5]].map(([f, o]) =>
      session.runAsync([[factor, scalar(f)], [offset, scalar(o)]], [], [assign])
    );
    assert.throws(() => session.run([], [read]), /in flight/);
    await Promise.all(runs);
    await session.whenIdle();
    // ((1·2 + 1)·3 + 0)·1 + 5 = 14
    assert.deepEqual(Array.from(session.run([], [read])[0]), [14]);
    session.dispose();
    g.dispose();
  },
});

Deno.test({
  name: "session: a traced run returns its ops' times, with grappler's op types",
  ignore: skip,
  async fn() {
    await loadTensorflowBackend();
    const g = new Graph();
    const a = g.placeholder("a", "float32", [64, 64]);
    const product = g.op("MatMul", [a, a], F32, { name: "product" })[0];
    const session = new Session(g, THREADS);
    const feed = {
      dtype: "float32" as const,
      shape: [64, 64],
      data: new Float32Array(4096).fill(1),
    };
    const { outputs, ops } = await session.traceAsync([[a, feed]], [product]);
    assert.equal(outputs[0][0], 64);
    const matmul = ops.find((op) => op.node === "product");
    assert.ok(matmul, `no timing for the product among ${ops.map((op) => op.node)}`);
    assert.match(matmul.op, /MatMul/);
    assert.ok(matmul.micros >= 0 && matmul.startMicros > 1.6e15, JSON.stringify(matmul));
    // An untraced run afterwards carries no trace.
    assert.equal((await session.runAsync([[a, feed]], [product]))[0][0], 64);
    session.dispose();
    g.dispose();
  },
});
