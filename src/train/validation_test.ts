/**
 * End-of-epoch validation: the figures from probabilities (clipping, ties, shapes), and the
 * compiled-graph validator equal to the op-by-op one on the tensorflow backend.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadTensorflowBackend } from "../backend/tensorflow/mod.ts";
import { buildModel } from "../models/build.ts";
import { EVERY_GRAPH_LAYER } from "../testing.ts";
import { Random } from "../util/random.ts";
import { evaluateArrays } from "./step.ts";
import { makeValidator, probabilityMetrics } from "./validation.ts";

const skip = Deno.env.get("DIGITKIT_SKIP_TENSORFLOW") === "1";

Deno.test("probabilityMetrics clips like training's loss, breaks ties as argMax, checks shapes", () => {
  const probs = new Float32Array([0, 1, 1, 0, 0.25, 0.25]);
  const m = probabilityMetrics(probs, new Int32Array([0, 0, 1]), 2);
  const clipped = [Math.fround(1e-7), Math.fround(1 - 1e-7), 0.25];
  const loss = -clipped.reduce((s, p) => s + Math.log(p), 0) / 3;
  assert.ok(Math.abs(m.loss - loss) < 1e-12, `${m.loss} vs ${loss}`);
  // Row 0 predicts 1 (wrong), row 1 predicts 0 (right), row 2 ties and predicts 0 (wrong).
  assert.equal(m.accuracy, 1 / 3);
  assert.throws(() => probabilityMetrics(probs, new Int32Array([0, 1]), 2), /2 × 2/);
  assert.ok(Number.isNaN(probabilityMetrics(new Float32Array(), new Int32Array(), 10).loss));
});

Deno.test({
  name: "validation through the compiled graph equals evaluateArrays on the device",
  ignore: skip,
  async fn() {
    await loadTensorflowBackend({ intraOpThreads: 2 });
    await tf.setBackend("tensorflow");
    const model = buildModel(EVERY_GRAPH_LAYER, { seed: 7 });
    const random = new Random(8);
    const count = 1203; // two batches of the graph's 1000 and one of evaluateArrays' 500 short
    const data = {
      images: new Float32Array(count * 784).map(() => random.next()),
      labels: new Int32Array(count).map(() => random.int(10)),
      count,
    };
    const validator = makeValidator(model, "every-layer", data, 10);
    assert.equal(validator.engine, "graph");
    const [graph, eager] = [await validator.validate(), await evaluateArrays(model, data, 10)];
    assert.ok(
      Math.abs(graph.loss - eager.loss) < 1e-5 * eager.loss,
      `${graph.loss} vs ${eager.loss}`,
    );
    assert.equal(graph.accuracy, eager.accuracy);
    // It follows the model's weights from one call to the next.
    model.getLayer("dense12").setWeights(
      model.getLayer("dense12").getWeights().map((w) => tf.mul(w, 3)),
    );
    const [after, eagerAfter] = [await validator.validate(), await evaluateArrays(model, data, 10)];
    assert.notEqual(after.loss, graph.loss);
    assert.ok(Math.abs(after.loss - eagerAfter.loss) < 1e-5 * eagerAfter.loss);
    model.dispose();
  },
});
