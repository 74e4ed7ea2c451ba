import assert from "node:assert/strict";
import { join } from "node:path";
import { attachPeer, emptyFigure } from "./harness.ts";
import type { Figure } from "./bench_report.ts";
import {
  findPeer,
  getPeer,
  type PeerResult,
  PEERS,
  throughputArgs,
  wholeEpochArgs,
} from "./peer.ts";

const BENCH = new URL(".", import.meta.url).pathname;

/** What `peer_protocol.parse_args` makes of `args`, parsed by the real Python module. */
async function parsedByProtocol(args: string[]): Promise<Record<string, unknown>> {
  const out = await new Deno.Command("python3", {
    args: [
      "-c",
      "import json, sys; sys.path.insert(0, sys.argv[1]); import peer_protocol; " +
      "print(json.dumps(vars(peer_protocol.parse_args(sys.argv[2:]))))",
      BENCH,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test("the flags the harness passes are the ones peer_protocol.py reads", async () => {
  const data = { imagesFile: "/d/i.u8", labelsFile: "/d/l.u8", count: 8192 };
  const throughput = await parsedByProtocol(throughputArgs({
    ...data,
    threads: 2,
    trainModels: ["keras-mnist-convnet", "mdsist-cnn"],
    bf16Models: [],
    trainImages: 8192,
    batch: 128,
    inferModel: "keras-mnist-convnet",
    inferImages: 10000,
    inferBatch: 1000,
  }));
  assert.equal(throughput.mode, "throughput");
  assert.equal(throughput.images, "/d/i.u8");
  assert.equal(throughput.count, 8192);
  assert.equal(throughput.train_models, "keras-mnist-convnet,mdsist-cnn");
  assert.equal(throughput.bf16_models, "");
  assert.equal(throughput.infer_batch, 1000);
  const whole = await parsedByProtocol(wholeEpochArgs({
    train: { ...data, count: 60000 },
    test: { imagesFile: "/d/ti.u8", labelsFile: "/d/tl.u8", count: 10000 },
    model: "keras-mnist-convnet",
    epochs: 1,
    batch: 128,
    threads: 2,
    validationSplit: 0.1,
    out: "/d/run",
  }));
  assert.equal(whole.mode, "whole-epoch");
  assert.deepEqual(
    [whole.count, whole.test_images, whole.test_count, whole.validation_split, whole.out],
    [60000, "/d/ti.u8", 10000, 0.1, "/d/run"],
  );
});

Deno.test("every peer's script exists and speaks the protocol", async () => {
  for (const peer of PEERS) {
    const source = await Deno.readTextFile(join(BENCH, peer.script));
    assert.match(source, /from peer_protocol import Peer, main/, peer.script);
    assert.match(source, new RegExp(`framework = "${peer.name}"`), peer.script);
  }
});

Deno.test("a missing peer is skipped with the interpreters tried and its setup command", async () => {
  // The system Python has no TensorFlow (the project's venv is where Keras lives).
  const { peer, reason } = await findPeer(getPeer("keras"), [
    "/nonexistent/python",
    "/usr/bin/python3",
  ]);
  assert.equal(peer, null);
  assert.match(
    reason,
    /^Keras: no Python with it among \/nonexistent\/python, \/usr\/bin\/python3;/,
  );
  assert.match(reason, /deno task bench --setup-peers keras/);
  assert.match(
    reason,
    /\.tools\/keras-venv\/bin\/pip install tensorflow-cpu==2\.21\.0 keras==3\.15\.1/,
  );
});

Deno.test("each peer's values go to the figures they measure, one list per peer", () => {
  const figure = (id: string): Figure => ({
    ...emptyFigure(id, "", "img/s", "tensorflow"),
    ours: [1],
  });
  const ids = [
    "train keras-mnist-convnet [tensorflow, graph]",
    "train keras-mnist-convnet [tensorflow, eager]",
    "train keras-mnist-convnet +aug [tensorflow, graph]",
    "train keras-mnist-convnet bf16 [tensorflow, graph]",
    "infer keras-mnist-convnet [wasm]",
    "mnist load",
  ];
  const figures = new Map(ids.map((id) => [id, figure(id)]));
  const result = (train: number, bf16: number, infer: number): PeerResult => ({
    framework: "",
    version: "",
    threads: 2,
    train: { "keras-mnist-convnet": train },
    train_bf16: { "keras-mnist-convnet": bf16 },
    infer: { "keras-mnist-convnet": infer },
    sgemm_gflops: 1,
  });
  attachPeer(figures, "pytorch", result(4365, 5062, 5987));
  attachPeer(figures, "keras", result(5872, 6100, 9000));
  attachPeer(figures, "keras", result(5900, 6200, 9100));
  const peers = (id: string) => figures.get(id)!.peers;
  assert.deepEqual(peers(ids[0]), { pytorch: [4365], keras: [5872, 5900] });
  assert.deepEqual(peers(ids[1]), { pytorch: [4365], keras: [5872, 5900] });
  assert.deepEqual(peers(ids[2]), {}); // augmentation: no peer runs it
  assert.deepEqual(peers(ids[3]), { pytorch: [5062], keras: [6100, 6200] });
  assert.deepEqual(peers(ids[4]), { pytorch: [5987], keras: [9000, 9100] });
  assert.deepEqual(peers(ids[5]), {});
});
