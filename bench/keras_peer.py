"""Keras 3 on TensorFlow (CPU) peer for `deno task bench`: the same architectures, data and batch
sizes as digitkit, speaking `peer_protocol.py` (flags, modes and the JSON it prints are there).

Runs the way the Keras cards do: `model.compile` with the defaults (`jit_compile="auto"`, which
Keras 3 resolves to no XLA on a CPU-only machine: a `tf.function` graph per step, oneDNN kernels)
and `model.fit` on numpy arrays. The whole-epoch JSON reports the resolved `jit_compile`.

Usage: python keras_peer.py --images F --labels F --count N --threads T [--mode MODE] ...
"""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import time  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

from peer_protocol import Peer, main  # noqa: E402


def keras_mnist_convnet():
    # keras.io/examples/vision/mnist_convnet: 34,826 parameters.
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dropout(0.5),
        # float32 output under mixed precision, as the Keras mixed-precision guide says.
        layers.Dense(10, activation="softmax", dtype="float32"),
    ])


def mdsist_cnn():
    # MLOps-mdsist card: 206,922 parameters.
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, padding="same", activation="relu"), layers.MaxPooling2D(2),
        layers.Flatten(), layers.Dense(128, activation="relu"),
        layers.Dense(10, activation="softmax", dtype="float32"),
    ])


MODELS = {"keras-mnist-convnet": keras_mnist_convnet, "mdsist-cnn": mdsist_cnn}


def fresh(name, bf16=False):
    """A compiled model from seed 0: Adam (Keras defaults, lr 1e-3), sparse cross-entropy."""
    keras.utils.set_random_seed(0)
    keras.mixed_precision.set_dtype_policy("mixed_bfloat16" if bf16 else "float32")
    try:
        model = MODELS[name]()
    finally:
        keras.mixed_precision.set_dtype_policy("float32")
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def channels_last(x):
    """N×28×28 → N×28×28×1 (Keras on CPU is channels-last)."""
    return x[..., None]


class EpochTimes(keras.callbacks.Callback):
    """Seconds of each epoch's training part (validation starts the clock's stop)."""

    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_test_begin(self, logs=None):
        self.seconds.append(time.perf_counter() - self.start)

    def on_epoch_end(self, epoch, logs=None):
        if len(self.seconds) <= epoch:
            self.seconds.append(time.perf_counter() - self.start)


class KerasPeer(Peer):
    framework = "keras"

    def version(self):
        return f"{keras.__version__} (TensorFlow {tf.__version__})"

    def set_threads(self, threads):
        # Before TensorFlow's first op: the pools are fixed then.
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
        return tf.config.threading.get_intra_op_parallelism_threads()

    def train_rate(self, name, x, y, batch, count, bf16=False):
        # Like digitkit's figure: two epochs of `count` images, the second timed (the first
        # traces and compiles).
        idx = np.arange(count) % x.shape[0]
        model = fresh(name, bf16)
        times = EpochTimes()
        model.fit(channels_last(x[idx]), y[idx], batch_size=batch, epochs=2, shuffle=True,
                  verbose=0, callbacks=[times])
        return count / times.seconds[1]

    def infer_rate(self, name, x, batch, count):
        model = fresh(name)
        x = channels_last(x)
        model.predict_on_batch(x[:batch])
        done, start = 0, time.perf_counter()
        while done < count:
            s = done % x.shape[0]
            model.predict_on_batch(x[s:s + batch])
            done += batch
        return done / (time.perf_counter() - start)

    def sgemm_gflops(self):
        a, b = tf.random.normal((1024, 1024)), tf.random.normal((1024, 1024))
        (a @ b).numpy()
        reps, start = 10, time.perf_counter()
        for _ in range(reps):
            c = a @ b
        c.numpy()
        return reps * 2 * 1024**3 / (time.perf_counter() - start) / 1e9

    def whole_epoch(self, name, x, y, x_test, y_test, batch, epochs, validation_split, out):
        # The Keras card's script: fit with the last 10% as validation, then evaluate.
        model = fresh(name)
        times = EpochTimes()
        fit = model.fit(channels_last(x), y, batch_size=batch, epochs=epochs,
                        validation_split=validation_split, verbose=0, callbacks=[times])
        test_loss, test_acc = model.evaluate(channels_last(x_test), y_test, batch_size=1000,
                                             verbose=0)
        if out:
            os.makedirs(out, exist_ok=True)
            model.save_weights(os.path.join(out, "model.weights.h5"))
        keys = ["loss", "accuracy", "val_loss", "val_accuracy"]
        n_train = int(x.shape[0] * (1 - validation_split))  # Keras' own rounding
        history = [{**{k: float(fit.history[k][e]) for k in keys if k in fit.history},
                    "images_per_second": n_train / times.seconds[e]} for e in range(epochs)]
        return {"history": history, "test": {"loss": test_loss, "accuracy": test_acc},
                "jit_compile": bool(model.jit_compile)}

    def loss_curve(self, name, x, y, batch, steps):
        model = fresh(name)
        x = channels_last(x)
        losses = []
        for s in range(steps):
            idx = np.arange(s * batch, (s + 1) * batch) % x.shape[0]
            out = model.train_on_batch(x[idx], y[idx], return_dict=True)
            losses.append(float(out["loss"]))
        return losses


if __name__ == "__main__":
    main(KerasPeer())
