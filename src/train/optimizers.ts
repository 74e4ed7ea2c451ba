/**
 * Optimizers of the recipes: Adam ({@link FlatAdam}: tfjs' arithmetic in fewer ops), tfjs' SGD,
 * and an RMSprop with PyTorch's semantics
 * (`torch.optim.RMSprop`: ε added after the square root, coupled L2 weight decay), because
 * tfjs' RMSprop puts ε inside the root and has no weight decay. All expose their state through
 * `getWeights()/setWeights()` so checkpoints can resume them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { FlatAdam } from "./flat_adam.ts";
import type { OptimizerSpec } from "./recipes.ts";

/** A named tensor as optimizers exchange their state. */
type NamedTensor = { name: string; tensor: tf.Tensor };

type Slot = { originalName: string; variable: tf.Variable };

/**
 * `torch.optim.RMSprop(lr, alpha, eps, weight_decay, momentum)` (not centered):
 * g ← g + wd·θ; v ← α·v + (1−α)·g²; θ ← θ − lr·g / (√v + ε), with an optional momentum buffer.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { TorchRMSprop } from "./optimizers.ts";
 * await tf.setBackend("cpu");
 * const w = tf.variable(tf.scalar(1));
 * new TorchRMSprop(0.1, 0.9, 1e-8, 0, 0).applyGradients({ [w.name]: tf.scalar(2) });
 * strictEqual(w.dataSync()[0].toFixed(4), "0.6838"); // 1 − 0.1·2/√(0.1·4)
 * ```
 */
export class TorchRMSprop extends tf.Optimizer {
  /** Serialisation name. */
  static get className(): string {
    return "TorchRMSprop";
  }

  #squareAverages: Slot[] = [];
  #momentumBuffers: Slot[] = [];

  constructor(
    /** Learning rate; may be changed between steps by a schedule. */
    public learningRate: number,
    readonly alpha = 0.99,
    readonly epsilon = 1e-8,
    readonly weightDecay = 0,
    readonly momentum = 0,
  ) {
    super();
  }

  /** One update of every variable named in `variableGradients`. */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((v) => [v.name, v.tensor] as const)
      : Object.entries(variableGradients);
    tf.tidy(() => {
      entries.forEach(([name, gradient], i) => {
        const value = tf.engine().registeredVariables[name];
        this.#squareAverages[i] ??= slot(`${name}/square_avg`, value);
        if (this.momentum > 0) this.#momentumBuffers[i] ??= slot(`${name}/momentum`, value);
        if (gradient == null) return;
        const g = this.weightDecay > 0
          ? tf.add(gradient, tf.mul(value, this.weightDecay))
          : gradient;
        const squareAvg = this.#squareAverages[i].variable;
        const newSquareAvg = tf.add(
          tf.mul(squareAvg, this.alpha),
          tf.mul(tf.square(g), 1 - this.alpha),
        );
        squareAvg.assign(newSquareAvg);
        let step = tf.div(g, tf.add(tf.sqrt(newSquareAvg), this.epsilon));
        if (this.momentum > 0) {
          const buffer = this.#momentumBuffers[i].variable;
          step = tf.add(tf.mul(buffer, this.momentum), step);
          buffer.assign(step);
        }
        value.assign(tf.sub(value, tf.mul(step, this.learningRate)));
      });
    });
    this.incrementIterations();
  }

  /** Iteration count, then the square averages, then the momentum buffers. */
  override async getWeights(): Promise<NamedTensor[]> {
    const slots = [...this.#squareAverages, ...this.#momentumBuffers];
    return [await this.saveIterations()].concat(
      slots.map((s) => ({ name: s.originalName, tensor: s.variable })),
    );
  }

  /** Restores what {@link getWeights} returned. */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const values = await this.extractIterations(weightValues);
    const perVariable = this.momentum > 0 ? values.length / 2 : values.length;
    const toSlot = (v: NamedTensor): Slot => ({
      originalName: v.name,
      variable: v.tensor.variable(false),
    });
    this.dispose();
    this.#squareAverages = values.slice(0, perVariable).map(toSlot);
    this.#momentumBuffers = this.momentum > 0 ? values.slice(perVariable).map(toSlot) : [];
  }

  /** Frees the optimizer's state. */
  override dispose(): void {
    tf.dispose([...this.#squareAverages, ...this.#momentumBuffers].map((s) => s.variable));
    this.#squareAverages = [];
    this.#momentumBuffers = [];
  }

  /** Hyper-parameters for serialisation. */
  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      alpha: this.alpha,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
      momentum: this.momentum,
    };
  }
}

function slot(name: string, like: tf.Variable): Slot {
  return { originalName: name, variable: tf.tidy(() => tf.zerosLike(like).variable(false)) };
}

/**
 * A fresh optimizer for `spec`. SGD with weight decay uses the same coupled L2 term as PyTorch,
 * applied through {@link withWeightDecay}.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { makeOptimizer } from "./optimizers.ts";
 * await tf.setBackend("cpu");
 * const opt = makeOptimizer({ kind: "adam", learningRate: 1e-3 });
 * strictEqual(opt.getClassName(), "FlatAdam");
 * opt.dispose();
 * ```
 */
export function makeOptimizer(spec: OptimizerSpec): tf.Optimizer {
  switch (spec.kind) {
    case "adam":
      return new FlatAdam(
        spec.learningRate,
        spec.beta1 ?? 0.9,
        spec.beta2 ?? 0.999,
        spec.epsilon ?? 1e-7,
      );
    case "rmsprop":
      return new TorchRMSprop(
        spec.learningRate,
        spec.alpha ?? 0.99,
        spec.epsilon ?? 1e-8,
        spec.weightDecay ?? 0,
        spec.momentum ?? 0,
      );
    case "sgd":
      return (spec.momentum ?? 0) > 0
        ? tf.train.momentum(spec.learningRate, spec.momentum!)
        : tf.train.sgd(spec.learningRate);
  }
}

/**
 * Sets the learning rate of an optimizer made by {@link makeOptimizer} (schedules call this
 * before every step).
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { makeOptimizer, setLearningRate } from "./optimizers.ts";
 * await tf.setBackend("cpu");
 * const opt = makeOptimizer({ kind: "sgd", learningRate: 0.1 });
 * setLearningRate(opt, 0.01);
 * strictEqual((opt as unknown as { learningRate: number }).learningRate, 0.01);
 * ```
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const target = optimizer as unknown as {
    learningRate: number;
    setLearningRate?: (lr: number) => void;
  };
  if (target.setLearningRate) target.setLearningRate(learningRate);
  else target.learningRate = learningRate;
}

/**
 * The weight-decay coefficient to add to the loss gradient outside the optimizer (SGD only;
 * RMSprop applies its own), or 0.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { withWeightDecay } from "./optimizers.ts";
 * strictEqual(withWeightDecay({ kind: "sgd", learningRate: 0.1, weightDecay: 5e-4 }), 0.0005);
 * ```
 */
export function withWeightDecay(spec: OptimizerSpec): number {
  return spec.kind === "sgd" ? spec.weightDecay ?? 0 : 0;
}
