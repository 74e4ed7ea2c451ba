"""The one protocol every `deno task bench` peer speaks (`torch_peer.py`, `keras_peer.py`).

The Deno side writes raw uint8 images (N×28×28) and labels (N) to files, so every side trains on
the same bytes, and runs a peer script with the flags below. The peer prints ONE JSON object on
stdout. A peer module implements the `Peer` methods; `main(peer)` does the rest.

Modes:
  throughput (default)  images/s per figure: {"framework", "version", "threads", "train",
                        "train_bf16", "infer", "sgemm_gflops"}
  whole-epoch           what `kit train --model M --epochs E` does, for a whole-process timing
                        measured from outside: fit on the first (1 - validation split) of the
                        training images with the rest as validation (Keras' `validation_split`,
                        digitkit's `keras-last-10`), evaluate on the test images, save the weights
                        under --out; prints {"framework", "version", "history", "test"}.
  loss-curve            trains --steps batches of the first training model from seed 0, in file
                        order, and prints each step's loss (a correctness check, not a timing).
"""

import argparse
import json
import sys


class Peer:
    """What a framework implements; x is float32 in [0, 1], N×28×28, y int64 labels."""

    framework = ""

    def version(self) -> str: ...
    def set_threads(self, threads: int) -> int: ...
    def train_rate(self, name, x, y, batch, count, bf16=False) -> float: ...
    def infer_rate(self, name, x, batch, count) -> float: ...
    def sgemm_gflops(self) -> float: ...
    def whole_epoch(self, name, x, y, x_test, y_test, batch, epochs, validation_split,
                    out) -> dict: ...
    def loss_curve(self, name, x, y, batch, steps) -> list: ...


def parse_args(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=["throughput", "whole-epoch", "loss-curve"],
                   default="throughput")
    p.add_argument("--images", required=True)
    p.add_argument("--labels", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--test-images")
    p.add_argument("--test-labels")
    p.add_argument("--test-count", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--train-models", default="keras-mnist-convnet,mdsist-cnn")
    p.add_argument("--bf16-models", default="")
    p.add_argument("--train-images", type=int, default=4096)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--infer-model", default="keras-mnist-convnet")
    p.add_argument("--infer-images", type=int, default=10000)
    p.add_argument("--infer-batch", type=int, default=1000)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--validation-split", type=float, default=0.1)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--out")
    return p.parse_args(argv)


def load(images_file, labels_file, count):
    import numpy as np  # here, so the flags parse (and are tested) without numpy

    raw = np.fromfile(images_file, dtype=np.uint8, count=count * 784).reshape(count, 28, 28)
    labels = np.fromfile(labels_file, dtype=np.uint8, count=count).astype(np.int64)
    return raw.astype(np.float32) / 255.0, labels


def main(peer: Peer, argv=None):
    a = parse_args(argv)
    threads = peer.set_threads(a.threads)
    x, y = load(a.images, a.labels, a.count)
    result = {"framework": peer.framework, "version": peer.version(), "threads": threads}
    models = [m for m in a.train_models.split(",") if m]
    if a.mode == "whole-epoch":
        x_test, y_test = load(a.test_images, a.test_labels, a.test_count)
        result.update(peer.whole_epoch(models[0], x, y, x_test, y_test, a.batch, a.epochs,
                                       a.validation_split, a.out))
    elif a.mode == "loss-curve":
        result["losses"] = peer.loss_curve(models[0], x, y, a.batch, a.steps)
    else:
        result["train"] = {m: peer.train_rate(m, x, y, a.batch, a.train_images) for m in models}
        result["train_bf16"] = {
            m: peer.train_rate(m, x, y, a.batch, a.train_images, bf16=True)
            for m in a.bf16_models.split(",") if m
        }
        result["infer"] = {
            a.infer_model: peer.infer_rate(a.infer_model, x, a.infer_batch, a.infer_images)
        }
        result["sgemm_gflops"] = peer.sgemm_gflops()
    json.dump(result, sys.stdout)
    print()
