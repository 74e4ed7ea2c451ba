import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { backendInfo, initBackend } from "./mod.ts";

const skipTensorflow = Deno.env.get("DIGITKIT_SKIP_TENSORFLOW") === "1";

Deno.test({
  name: "initBackend('auto') selects the native tensorflow backend and reports its versions",
  ignore: skipTensorflow,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const info = await initBackend("auto");
    assert.equal(info.name, "tensorflow");
    assert.equal(tf.getBackend(), "tensorflow");
    assert.equal(info.available[0], "tensorflow");
    assert.match(info.versions.libtensorflow ?? "", /^2\.\d+\.\d+/);
    assert.equal(info.versions.tfjs, tf.version_core);
    assert.equal(info.threads, info.tensorflowThreads?.intraOp);
    // It computes: a 2×2 matMul on the native backend.
    const product = tf.tidy(() => tf.matMul([[1, 2], [3, 4]], [[5], [6]]).dataSync());
    assert.deepEqual(Array.from(product), [17, 39]);
  },
});

Deno.test({
  name: "initBackend('wasm') makes wasm active and it can take a conv gradient",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const info = await initBackend("wasm");
    assert.equal(info.name, "wasm");
    assert.equal(tf.getBackend(), "wasm");
    assert.ok(info.available.includes("wasm"));
    assert.equal(info.versions.tfjsBackendWasm, "4.22.0");
    const filterGrad = tf.tidy(() =>
      tf.grad((w: tf.Tensor) =>
        tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, "valid").sum()
      )(
        tf.ones([3, 3, 1, 1]),
      ).dataSync()
    );
    // Each 3×3 filter tap sees 2×2 output positions of an all-ones image.
    assert.deepEqual(Array.from(filterGrad), new Array(9).fill(4));
  },
});

Deno.test("initBackend('cpu') selects cpu and warns on stderr; backendInfo agrees", async () => {
  const info = await initBackend("cpu");
  assert.equal(info.name, "cpu");
  assert.equal(info.threads, 1);
  assert.deepEqual(backendInfo().name, "cpu");
});
