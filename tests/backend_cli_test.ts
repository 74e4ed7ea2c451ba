/** `kit backend --json` end to end: the native backend is built, available and auto-selected. */
import assert from "node:assert/strict";
import { runKit } from "./helpers/kit.ts";

const skip = Deno.env.get("DIGITKIT_SKIP_TENSORFLOW") === "1";

const kit = (...args: string[]) => runKit(args);

Deno.test({
  name: "kit backend --json reports tensorflow available and selected by auto",
  ignore: skip,
  async fn() {
    const { code, stdout, stderr } = await kit("backend", "--json");
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout);
    assert.equal(report.auto, "tensorflow");
    assert.equal(report.selected, "tensorflow");
    assert.deepEqual(report.available, ["tensorflow", "wasm", "cpu"]);
    assert.match(report.versions.libtensorflow, /^\d+\.\d+\.\d+/);
    assert.equal(report.versions.tfjs, "4.22.0");
    assert.equal(report.versions.deno, Deno.version.deno);
    assert.ok(Number.isInteger(report.threads) && report.threads >= 1);
    assert.equal(report.trainingEngine.engine, "graph");
    assert.equal(report.inferenceEngine.engine, "graph");
    // libtensorflow's start-up banner is dropped (src/backend/tensorflow/quiet_startup.ts).
    assert.doesNotMatch(stderr, /absl::InitializeLog|oneDNN custom operations/);
  },
});

Deno.test("kit backend --backend cpu selects cpu and warns loudly on stderr", async () => {
  const { code, stdout, stderr } = await kit("backend", "--backend", "cpu", "--json");
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout);
  assert.equal(report.selected, "cpu");
  assert.equal(report.trainingEngine.engine, "eager");
  assert.match(report.trainingEngine.reason, /cpu backend runs tfjs ops only/);
  assert.equal(report.inferenceEngine.engine, "eager");
  assert.match(stderr, /WARNING: TensorFlow\.js runs on the pure-JavaScript 'cpu' backend/);
});

Deno.test("kit backend --threads 1 pins libtensorflow's intra-op pool", {
  ignore: skip,
}, async () => {
  const { code, stdout, stderr } = await kit("backend", "--threads", "1", "--json");
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout);
  assert.equal(report.threads, 1);
  assert.equal(report.tensorflowThreads.intraOp, 1);
  assert.equal(report.tensorflowThreads.source, "env");
});

Deno.test("kit backend rejects an unknown backend with one line and exit 1", async () => {
  const { code, stderr } = await kit("backend", "--backend", "webgl");
  assert.equal(code, 1);
  assert.equal(
    stderr.trim(),
    "kit backend: --backend must be one of auto, tensorflow, wasm, cpu; got 'webgl'",
  );
});
