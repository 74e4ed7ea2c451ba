/**
 * Adam with every variable's moments kept in two flat tensors, so one step is a dozen
 * element-wise ops over all parameters instead of a dozen per variable. On the `tensorflow`
 * backend each op is a separate libtensorflow dispatch (tens of microseconds), which made tfjs'
 * per-variable Adam a large share of a training step for small models.
 *
 * The arithmetic is tfjs' `AdamOptimizer`'s, op for op and in the same order (only the layout
 * differs), so the updates are bit-identical to `tf.train.adam`. The saved state has tfjs Adam's
 * layout too (iterations, then one `<variable>/m` per variable, then the `/v`s), so checkpoints
 * written by either resume in the other.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** A named tensor as optimizers exchange their state. */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** Where each variable sits in the flat moment tensors. */
interface Layout {
  names: string[];
  shapes: number[][];
  sizes: number[];
}

/**
 * `tf.train.adam(learningRate, beta1, beta2, epsilon)` with flat moments (see the module docs).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import * as tf from "@tensorflow/tfjs";
 * import { FlatAdam } from "./flat_adam.ts";
 * await tf.setBackend("cpu");
 * const w = tf.variable(tf.tensor1d([1, 2]));
 * const adam = new FlatAdam(0.1);
 * adam.applyGradients({ [w.name]: tf.tensor1d([0.5, -0.5]) });
 * const [a, b] = w.dataSync(); // Adam's first step moves each weight by lr
 * ok(Math.abs(a - 0.9) < 1e-5 && Math.abs(b - 2.1) < 1e-5);
 * adam.dispose();
 * ```
 */
export class FlatAdam extends tf.Optimizer {
  /** Serialisation name. */
  static get className(): string {
    return "FlatAdam";
  }

  #layout: Layout | null = null;
  #firstMoment: tf.Variable | null = null;
  #secondMoment: tf.Variable | null = null;
  /** β₁ᵗ and β₂ᵗ in float32, as tfjs Adam accumulates them in its `accBeta` scalars. */
  #accBeta1: number;
  #accBeta2: number;
  #constants: Record<"beta1" | "oneMinusBeta1" | "beta2" | "oneMinusBeta2" | "epsilon", tf.Scalar>;
  /** Per-variable copies handed out by the last {@link getWeights}, freed on the next call. */
  #snapshot: tf.Tensor[] = [];

  constructor(
    /** Learning rate; may be changed between steps by a schedule. */
    public learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-7,
  ) {
    super();
    this.#accBeta1 = float32Power(beta1, 1);
    this.#accBeta2 = float32Power(beta2, 1);
    this.#constants = tf.tidy(() => ({
      beta1: tf.keep(tf.scalar(beta1)),
      oneMinusBeta1: tf.keep(tf.scalar(1 - beta1)),
      beta2: tf.keep(tf.scalar(beta2)),
      oneMinusBeta2: tf.keep(tf.scalar(1 - beta2)),
      epsilon: tf.keep(tf.scalar(epsilon)),
    }));
  }

  /** One update of every variable named in `variableGradients` (the same ones every step). */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((v) => [v.name, v.tensor] as const)
      : Object.entries(variableGradients);
    const names = entries.map(([name]) => name);
    const variables = names.map((name) => tf.engine().registeredVariables[name]);
    this.#ensureState(names, variables);
    const layout = this.#layout!;
    if (layout.names.length !== names.length || layout.names.some((n, i) => n !== names[i])) {
      throw new Error(
        `FlatAdam updates a fixed set of variables (${layout.names.length}); got another set`,
      );
    }
    tf.tidy(() => {
      const gradient = tf.concat(entries.map(([name, g]) => {
        if (g == null) throw new Error(`FlatAdam: no gradient for variable '${name}'`);
        return tf.reshape(g, [-1]);
      }));
      const c = this.#constants;
      const m = this.#firstMoment!, v = this.#secondMoment!;
      const newM = tf.add(tf.mul(m, c.beta1), tf.mul(gradient, c.oneMinusBeta1));
      const newV = tf.add(tf.mul(v, c.beta2), tf.mul(tf.square(gradient), c.oneMinusBeta2));
      const mHat = tf.div(newM, tf.scalar(1 - this.#accBeta1));
      const vHat = tf.div(newV, tf.scalar(1 - this.#accBeta2));
      m.assign(newM);
      v.assign(newV);
      const step = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), c.epsilon)), -this.learningRate);
      const pieces = variables.length === 1 ? [step] : tf.split(step, layout.sizes);
      variables.forEach((variable, i) => {
        variable.assign(tf.add(tf.reshape(pieces[i], layout.shapes[i]), variable));
      });
    });
    this.#accBeta1 = Math.fround(this.#accBeta1 * Math.fround(this.beta1));
    this.#accBeta2 = Math.fround(this.#accBeta2 * Math.fround(this.beta2));
    this.incrementIterations();
  }

  /** Iteration count, then each variable's first moment, then each one's second moment. */
  override async getWeights(): Promise<NamedTensor[]> {
    tf.dispose(this.#snapshot);
    this.#snapshot = [];
    const layout = this.#layout;
    const iterations = await this.saveIterations();
    if (!layout) return [iterations];
    this.#snapshot = tf.tidy(() =>
      [this.#firstMoment!, this.#secondMoment!].flatMap((flat) =>
        tf.split(flat, layout.sizes).map((piece, i) => tf.reshape(piece, layout.shapes[i]))
      )
    );
    const suffixes = [...layout.names.map((n) => `${n}/m`), ...layout.names.map((n) => `${n}/v`)];
    return [iterations, ...this.#snapshot.map((tensor, i) => ({ name: suffixes[i], tensor }))];
  }

  /** Restores what {@link getWeights} (or tfjs' Adam) returned; the tensors stay the caller's. */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const values = await this.extractIterations(weightValues);
    this.#disposeState();
    // Replaying the float32 products (not a pow) makes a resumed run bit-identical to an
    // uninterrupted one.
    this.#accBeta1 = float32Power(this.beta1, this.iterations + 1);
    this.#accBeta2 = float32Power(this.beta2, this.iterations + 1);
    if (values.length === 0) return;
    const count = values.length / 2;
    const firsts = values.slice(0, count);
    this.#layout = {
      names: firsts.map((w) => w.name.replace(/\/m$/, "")),
      shapes: firsts.map((w) => w.tensor.shape),
      sizes: firsts.map((w) => w.tensor.size),
    };
    const flatten = (list: NamedTensor[]) =>
      tf.tidy(() => tf.concat(list.map((w) => tf.reshape(w.tensor, [-1]))).variable(false));
    this.#firstMoment = flatten(firsts);
    this.#secondMoment = flatten(values.slice(count));
  }

  /** Frees the optimizer's state and constants. */
  override dispose(): void {
    this.#disposeState();
    tf.dispose(Object.values(this.#constants));
  }

  /** Hyper-parameters for serialisation. */
  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
    };
  }

  /** Lays the moments out for `variables` on the first step (or adopts restored names). */
  #ensureState(names: string[], variables: tf.Variable[]): void {
    if (this.#firstMoment && this.#layout) {
      // Restored state knows sizes, not the live variables' names: adopt them once.
      if (this.#layout.names.some((n, i) => n !== names[i])) {
        const sizes = variables.map((v) => v.size);
        if (sizes.length === this.#layout.sizes.length) {
          const same = sizes.every((s, i) => s === this.#layout!.sizes[i]);
          if (same) this.#layout = { ...this.#layout, names };
        }
      }
      return;
    }
    this.#layout = {
      names,
      shapes: variables.map((v) => v.shape),
      sizes: variables.map((v) => v.size),
    };
    const total = this.#layout.sizes.reduce((a, b) => a + b, 0);
    this.#firstMoment = tf.tidy(() => tf.zeros([total]).variable(false));
    this.#secondMoment = tf.tidy(() => tf.zeros([total]).variable(false));
  }

  #disposeState(): void {
    tf.dispose(this.#snapshot);
    this.#snapshot = [];
    if (this.#firstMoment) this.#firstMoment.dispose();
    if (this.#secondMoment) this.#secondMoment.dispose();
    this.#firstMoment = this.#secondMoment = null;
    this.#layout = null;
  }
}

/**
 * `base`ⁿ as repeated float32 multiplications, the way the optimizer accumulates β₁ᵗ and β₂ᵗ.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { float32Power } from "./flat_adam.ts";
 * strictEqual(float32Power(0.5, 3), 0.125);
 * ```
 */
export function float32Power(base: number, exponent: number): number {
  const factor = Math.fround(base);
  let power = factor;
  for (let i = 1; i < exponent; i++) power = Math.fround(power * factor);
  return power;
}
