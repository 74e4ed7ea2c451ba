"""PyTorch peer for `deno task bench`: the same architectures, data and batch sizes as digitkit.

Reads raw uint8 images (N×28×28) and labels (N) written by the Deno side, so both sides see the
same bytes. Prints one JSON object on stdout with images/s for each measured figure.

Usage: python torch_peer.py --images F --labels F --count N --threads T \
           --train-models keras-mnist-convnet,mdsist-cnn --bf16-models keras-mnist-convnet \
           --train-images 4096 --batch 128 \
           --infer-images 10000 --infer-batch 1000 --repeats 1
"""

import argparse
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def keras_mnist_convnet() -> nn.Module:
    # Keras "simple MNIST convnet": 34,826 parameters.
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10),
    )


def mdsist_cnn() -> nn.Module:
    # MLOps-mdsist card: 206,922 parameters.
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1568, 128), nn.ReLU(), nn.Linear(128, 10),
    )


MODELS = {"keras-mnist-convnet": keras_mnist_convnet, "mdsist-cnn": mdsist_cnn}


def train_images_per_second(name, x, y, batch, count, bf16=False):
    torch.manual_seed(0)
    model = MODELS[name]()
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    n = x.shape[0]

    def step(start):
        idx = torch.arange(start, start + batch) % n
        optimizer.zero_grad(set_to_none=True)
        # bf16: PyTorch's CPU mixed precision (oneDNN bfloat16 kernels, float32 weights).
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        optimizer.step()

    step(0)  # warm-up: first call allocates and picks kernels
    done, start = 0, time.perf_counter()
    while done < count:
        step(done)
        done += batch
    return done / (time.perf_counter() - start)


def infer_images_per_second(name, x, batch, count):
    model = MODELS[name]()
    model.eval()
    with torch.inference_mode():
        model(x[:batch])
        done, start = 0, time.perf_counter()
        while done < count:
            s = done % x.shape[0]
            model(x[s:s + batch])
            done += batch
    return done / (time.perf_counter() - start)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--images", required=True)
    p.add_argument("--labels", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--train-models", default="keras-mnist-convnet,mdsist-cnn")
    p.add_argument("--bf16-models", default="")
    p.add_argument("--train-images", type=int, default=4096)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--infer-model", default="keras-mnist-convnet")
    p.add_argument("--infer-images", type=int, default=10000)
    p.add_argument("--infer-batch", type=int, default=1000)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    raw = np.fromfile(a.images, dtype=np.uint8, count=a.count * 784).reshape(a.count, 1, 28, 28)
    x = torch.from_numpy(raw.astype(np.float32) / 255.0)
    y = torch.from_numpy(np.fromfile(a.labels, dtype=np.uint8, count=a.count).astype(np.int64))

    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "train": {}}
    for name in filter(None, a.train_models.split(",")):
        result["train"][name] = train_images_per_second(name, x, y, a.batch, a.train_images)
    result["train_bf16"] = {
        name: train_images_per_second(name, x, y, a.batch, a.train_images, bf16=True)
        for name in filter(None, a.bf16_models.split(","))
    }
    result["infer"] = {
        a.infer_model: infer_images_per_second(a.infer_model, x, a.infer_batch, a.infer_images)
    }
    a_ = torch.randn(1024, 1024)
    b_ = torch.randn(1024, 1024)
    a_ @ b_
    reps, start = 10, time.perf_counter()
    for _ in range(reps):
        a_ @ b_
    result["sgemm_gflops"] = reps * 2 * 1024**3 / (time.perf_counter() - start) / 1e9
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
