"""PyTorch peer for `deno task bench`: the same architectures, data and batch sizes as digitkit,
speaking `peer_protocol.py` (flags, modes and the JSON it prints are described there).

Usage: python torch_peer.py --images F --labels F --count N --threads T [--mode MODE] ...
"""

import os
import time

import numpy as np
import torch
from torch import nn

from peer_protocol import Peer, main


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


def tensors(x, y=None):
    """N×28×28 float32 → N×1×28×28 tensor (PyTorch is channels-first); labels → int64."""
    tx = torch.from_numpy(x).unsqueeze(1)
    return tx if y is None else (tx, torch.from_numpy(y))


def fresh(name):
    torch.manual_seed(0)
    model = MODELS[name]()
    return model, torch.optim.Adam(model.parameters(), lr=1e-3), nn.CrossEntropyLoss()


class TorchPeer(Peer):
    framework = "pytorch"

    def version(self):
        return torch.__version__

    def set_threads(self, threads):
        torch.set_num_threads(threads)
        torch.set_num_interop_threads(1)
        return torch.get_num_threads()

    def train_rate(self, name, x, y, batch, count, bf16=False):
        x, y = tensors(x, y)
        model, optimizer, loss_fn = fresh(name)
        model.train()
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

    def infer_rate(self, name, x, batch, count):
        x = tensors(x)
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

    def sgemm_gflops(self):
        a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
        a @ b
        reps, start = 10, time.perf_counter()
        for _ in range(reps):
            a @ b
        return reps * 2 * 1024**3 / (time.perf_counter() - start) / 1e9

    def whole_epoch(self, name, x, y, x_test, y_test, batch, epochs, validation_split, out):
        x, y = tensors(x, y)
        n_train = int(x.shape[0] * (1 - validation_split))  # as Keras rounds
        xv, yv = x[n_train:], y[n_train:]
        x, y = x[:n_train], y[:n_train]
        model, optimizer, loss_fn = fresh(name)
        history = []
        for _ in range(epochs):
            model.train()
            start = time.perf_counter()
            order = torch.randperm(n_train)
            total, correct = 0.0, 0
            for s in range(0, n_train, batch):
                idx = order[s:s + batch]
                optimizer.zero_grad(set_to_none=True)
                logits = model(x[idx])
                loss = loss_fn(logits, y[idx])
                loss.backward()
                optimizer.step()
                total += loss.item() * len(idx)
                correct += (logits.argmax(1) == y[idx]).sum().item()
            seconds = time.perf_counter() - start
            val_loss, val_acc = evaluate(model, loss_fn, xv, yv)
            history.append({"loss": total / n_train, "accuracy": correct / n_train,
                            "val_loss": val_loss, "val_accuracy": val_acc,
                            "images_per_second": n_train / seconds})
        test_loss, test_acc = evaluate(model, loss_fn, *tensors(x_test, y_test))
        if out:
            os.makedirs(out, exist_ok=True)
            torch.save(model.state_dict(), os.path.join(out, "model.pt"))
        return {"history": history, "test": {"loss": test_loss, "accuracy": test_acc}}

    def loss_curve(self, name, x, y, batch, steps):
        x, y = tensors(x, y)
        model, optimizer, loss_fn = fresh(name)
        model.train()
        losses = []
        for s in range(steps):
            idx = torch.arange(s * batch, (s + 1) * batch) % x.shape[0]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return losses


def evaluate(model, loss_fn, x, y, batch=1000):
    if x.shape[0] == 0:
        return None, None
    model.eval()
    total, correct = 0.0, 0
    with torch.inference_mode():
        for s in range(0, x.shape[0], batch):
            logits = model(x[s:s + batch])
            total += loss_fn(logits, y[s:s + batch]).item() * logits.shape[0]
            correct += (logits.argmax(1) == y[s:s + batch]).sum().item()
    return total / x.shape[0], correct / x.shape[0]


if __name__ == "__main__":
    main(TorchPeer())
