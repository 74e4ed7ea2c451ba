/**
 * Optimizer updates inside the training graph, by the formulas of the kit's tfjs optimizers, so
 * a step gives the same result on either engine (to float32 rounding) and the state (slot
 * variables) can be handed back and forth between epochs:
 * - `adam`: {@link ../../../train/flat_adam.ts}'s formula (tfjs Adam's), slots `m`, `v`;
 * - `rmsprop`: `TorchRMSprop` of `train/optimizers.ts` (PyTorch's semantics), slots
 *   `square_avg` and, with momentum, `momentum`.
 *
 * @module
 */
import { DataType, type Output } from "./capi.ts";
import type { Attr, Graph } from "./graph.ts";

const F32: Attr = { type: DataType.float };

/** An optimizer the graph compiles. */
export type GraphOptimizer =
  | { kind: "adam"; beta1: number; beta2: number; epsilon: number }
  | { kind: "rmsprop"; alpha: number; epsilon: number; weightDecay: number; momentum: number };

/**
 * Names of the per-weight slot variables, in the optimizer's `getWeights()` order (all
 * weights' first slot, then all weights' second slot).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { slotNames } from "./updates.ts";
 * deepStrictEqual(slotNames({ kind: "adam", beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }), [ "m", "v" ]);
 * ```
 */
export function slotNames(optimizer: GraphOptimizer): string[] {
  if (optimizer.kind === "adam") return ["m", "v"];
  return optimizer.momentum > 0 ? ["square_avg", "momentum"] : ["square_avg"];
}

/**
 * Names of the per-weight working variables an update needs besides its slots: not optimizer
 * state (never loaded, read or checkpointed). RMSprop without momentum runs as
 * `ResourceApplyAdam` (see {@link makeUpdater}), whose first moment is such a variable.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { scratchNames } from "./updates.ts";
 * deepStrictEqual(
 *   scratchNames({ kind: "rmsprop", alpha: 0.9, epsilon: 1e-8, weightDecay: 0, momentum: 0 }),
 *   ["zeroed_m"],
 * );
 * ```
 */
export function scratchNames(optimizer: GraphOptimizer): string[] {
  return optimizer.kind === "rmsprop" && optimizer.momentum === 0 ? ["zeroed_m"] : [];
}

/** Names of the scalars fed to every step (see {@link stepScalars}). */
export type StepScalarName = "learningRate" | "oneMinusBeta1Power" | "oneMinusBeta2Power";

/**
 * The scalar inputs one step of `optimizer` needs.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { stepScalars } from "./updates.ts";
 * deepStrictEqual(
 *   stepScalars({ kind: "rmsprop", alpha: 0.9, epsilon: 1e-8, weightDecay: 0, momentum: 0 }),
 *   ["learningRate"],
 * );
 * ```
 */
export function stepScalars(optimizer: GraphOptimizer): StepScalarName[] {
  return optimizer.kind === "adam"
    ? ["learningRate", "oneMinusBeta1Power", "oneMinusBeta2Power"]
    : ["learningRate"];
}

/** A resource variable of the graph: its handle and the value read this step. */
export interface VariableRef {
  handle: Output;
  read: Output;
}

/** One trainable weight as the update sees it: the weight, its slots and its gradient. */
export interface UpdateTarget {
  weight: VariableRef;
  slots: VariableRef[];
  /** Working variables, one per {@link scratchNames} entry. */
  scratch: VariableRef[];
  gradient: Output;
}

/**
 * A function giving the operations that update one weight and each of its slots from the step's
 * scalar inputs, each run after `after` (the forward pass, so no update races a read of the old
 * weights). The scalars derived from the step's inputs are built once, for every weight.
 *
 * Adam is TensorFlow's fused, in-place `ResourceApplyAdam` fed so that its formula is
 * FlatAdam's: TensorFlow computes θ −= lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m'/(√v' + ε̂) with ε̂ = ε·√(1−β₂ᵗ),
 * which is FlatAdam's θ −= lr · (m'/(1−β₁ᵗ)) / (√(v'/(1−β₂ᵗ)) + ε) rearranged, and the same
 * moments (m' = m + (g−m)(1−β₁) against m·β₁ + g(1−β₁)). One kernel instead of thirteen
 * element-wise ops and three copies per weight; the results differ from the eager engine's by
 * float32 rounding only. RMSprop is PyTorch's: TensorFlow's own `ApplyRMSProp` puts ε inside
 * the square root, so without momentum it runs as `ResourceApplyAdam` with β₁ = 0, β₁ᵗ = β₂ᵗ = 0
 * and β₂ = α, which computes v' = v + (g² − v)(1 − α) and θ −= lr · m'/(√v' + ε), where
 * m' = m + (g − m) is exactly g because m is zeroed first (a zero write instead of ten passes
 * over the weights: a fifth of the Kaggle CNN's step was its RMSprop ops). With momentum it
 * runs op for op.
 *
 * @example
 * ```ts ignore
 * // A fragment of TrainingGraph's construction (its resource variables and step scalars);
 * // TrainingGraph's own example runs it.
 * import { makeUpdater } from "./updates.ts";
 * const update = makeUpdater(graph, optimizer, scalars);
 * const operations = update(target, [forward]);
 * ```
 */
export function makeUpdater(
  g: Graph,
  optimizer: GraphOptimizer,
  scalars: Record<StepScalarName, Output>,
): (target: UpdateTarget, after: Deno.PointerObject[]) => Deno.PointerObject[] {
  const T = { T: F32 };
  const mul = (a: Output, b: Output) => g.op("Mul", [a, b], T)[0];
  const add = (a: Output, b: Output) => g.op("AddV2", [a, b], T)[0];
  const div = (a: Output, b: Output) => g.op("RealDiv", [a, b], T)[0];
  const sqrt = (a: Output) => g.op("Sqrt", [a], T)[0];
  const square = (a: Output) => g.op("Square", [a], T)[0];
  const sub = (a: Output, b: Output) => g.op("Sub", [a, b], T)[0];
  const c = (value: number) => g.constant([value], []);
  const learningRate = scalars.learningRate;
  if (optimizer.kind === "adam") {
    // 1 − (1 − βᵗ) is exact in float32 (Sterbenz), so TensorFlow's 1 − βᵗ is the fed value.
    const shared = {
      beta1Power: sub(c(1), scalars.oneMinusBeta1Power),
      beta2Power: sub(c(1), scalars.oneMinusBeta2Power),
      learningRate,
      beta1: c(optimizer.beta1),
      beta2: c(optimizer.beta2),
      epsilon: mul(c(optimizer.epsilon), sqrt(scalars.oneMinusBeta2Power)),
    };
    return ({ weight, slots: [m, v], gradient }, after) => [
      applyAdam(g, { ...shared, weight, m, v, gradient }, after),
    ];
  }
  // TorchRMSprop: g ← g + wd·θ; s' = s·α + g²·(1−α); step = g/(√s' + ε) [+ μ·buffer];
  // θ' = θ − step·lr
  const { alpha, epsilon, weightDecay, momentum } = optimizer;
  const decayed = (weight: VariableRef, gradient: Output) =>
    weightDecay > 0 ? add(gradient, mul(weight.read, c(weightDecay))) : gradient;
  const assign = (variable: VariableRef, value: Output, after: Deno.PointerObject[]) =>
    g.operation("AssignVariableOp", [variable.handle, value], { dtype: F32 }, {
      name: "assign",
      control: after,
    });
  if (momentum === 0) {
    const zero = c(0);
    const shared = {
      beta1Power: zero,
      beta2Power: zero,
      learningRate,
      beta1: zero,
      beta2: c(alpha),
      epsilon: c(epsilon),
    };
    return ({ weight, slots: [squareAvg], scratch: [m], gradient }, after) => {
      const g2 = decayed(weight, gradient);
      const zeroed = assign(m, g.op("ZerosLike", [g2], T)[0], after);
      return [
        applyAdam(g, { ...shared, weight, m, v: squareAvg, gradient: g2 }, [...after, zeroed]),
      ];
    };
  }
  return ({ weight, slots: [squareAvg, buffer], gradient }, after) => {
    const g2 = decayed(weight, gradient);
    const newSquareAvg = add(mul(squareAvg.read, c(alpha)), mul(square(g2), c(1 - alpha)));
    let step = div(g2, add(sqrt(newSquareAvg), c(epsilon)));
    const operations = [assign(squareAvg, newSquareAvg, after)];
    // slotNames gives a momentum buffer only for a positive momentum.
    if (momentum > 0) {
      step = add(mul(buffer.read, c(momentum)), step);
      operations.push(assign(buffer, step, after));
    }
    operations.push(assign(weight, sub(weight.read, mul(step, learningRate)), after));
    return operations;
  };
}

/** The inputs of TensorFlow's `ResourceApplyAdam`, in its terms. */
interface AdamInputs {
  weight: VariableRef;
  m: VariableRef;
  v: VariableRef;
  beta1Power: Output;
  beta2Power: Output;
  learningRate: Output;
  beta1: Output;
  beta2: Output;
  epsilon: Output;
  gradient: Output;
}

/** One in-place `ResourceApplyAdam` on `inputs`' variables, run after `control`. */
function applyAdam(g: Graph, inputs: AdamInputs, control: Deno.PointerObject[]) {
  const { weight, m, v } = inputs;
  return g.operation(
    "ResourceApplyAdam",
    [
      weight.handle,
      m.handle,
      v.handle,
      inputs.beta1Power,
      inputs.beta2Power,
      inputs.learningRate,
      inputs.beta1,
      inputs.beta2,
      inputs.epsilon,
      inputs.gradient,
    ],
    { T: F32, use_locking: { bool: false }, use_nesterov: { bool: false } },
    {
      name: "apply_adam",
      control,
    },
  );
}
