/**
 * Optimizer updates inside the training graph, op for op as the kit's tfjs optimizers compute
 * them, so a step gives the same result on either engine and the state (slot variables) can be
 * handed back and forth between epochs:
 * - `adam`: {@link ../../../train/flat_adam.ts}'s arithmetic (tfjs Adam's), slots `m`, `v`;
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
 * import { slotNames } from "./updates.ts";
 * console.log(slotNames({ kind: "adam", beta1: 0.9, beta2: 0.999, epsilon: 1e-7 })); // [ "m", "v" ]
 * ```
 */
export function slotNames(optimizer: GraphOptimizer): string[] {
  if (optimizer.kind === "adam") return ["m", "v"];
  return optimizer.momentum > 0 ? ["square_avg", "momentum"] : ["square_avg"];
}

/** Names of the scalars fed to every step (see {@link stepScalars}). */
export type StepScalarName = "learningRate" | "oneMinusBeta1Power" | "oneMinusBeta2Power";

/**
 * The scalar inputs one step of `optimizer` needs.
 *
 * @example
 * ```ts
 * import { stepScalars } from "./updates.ts";
 * console.log(stepScalars({ kind: "rmsprop", alpha: 0.9, epsilon: 1e-8, weightDecay: 0,
 *   momentum: 0 })); // [ "learningRate" ]
 * ```
 */
export function stepScalars(optimizer: GraphOptimizer): StepScalarName[] {
  return optimizer.kind === "adam"
    ? ["learningRate", "oneMinusBeta1Power", "oneMinusBeta2Power"]
    : ["learningRate"];
}

/** One trainable weight as the update sees it: its value this step and its slots' values. */
export interface UpdateTarget {
  weight: Output;
  slots: Output[];
  gradient: Output;
}

/**
 * New values of the weight and of each slot, given the step's scalar inputs.
 *
 * @example
 * ```ts ignore
 * import { updateOps } from "./updates.ts";
 * const { weight, slots } = updateOps(graph, optimizer, target, scalars);
 * ```
 */
export function updateOps(
  g: Graph,
  optimizer: GraphOptimizer,
  target: UpdateTarget,
  scalars: Record<StepScalarName, Output>,
): { weight: Output; slots: Output[] } {
  const T = { T: F32 };
  const mul = (a: Output, b: Output) => g.op("Mul", [a, b], T)[0];
  const add = (a: Output, b: Output) => g.op("AddV2", [a, b], T)[0];
  const div = (a: Output, b: Output) => g.op("RealDiv", [a, b], T)[0];
  const sqrt = (a: Output) => g.op("Sqrt", [a], T)[0];
  const square = (a: Output) => g.op("Square", [a], T)[0];
  const c = (value: number) => g.constant([value], []);
  const { weight, gradient } = target;
  if (optimizer.kind === "adam") {
    // FlatAdam: m' = m·β₁ + g·(1−β₁); v' = v·β₂ + g²·(1−β₂);
    // θ' = (m'/(1−β₁ᵗ)) / (√(v'/(1−β₂ᵗ)) + ε) · (−lr) + θ
    const [m, v] = target.slots;
    const newM = add(mul(m, c(optimizer.beta1)), mul(gradient, c(1 - optimizer.beta1)));
    const newV = add(mul(v, c(optimizer.beta2)), mul(square(gradient), c(1 - optimizer.beta2)));
    const mHat = div(newM, scalars.oneMinusBeta1Power);
    const vHat = div(newV, scalars.oneMinusBeta2Power);
    const negLr = g.op("Neg", [scalars.learningRate], T)[0];
    const step = mul(div(mHat, add(sqrt(vHat), c(optimizer.epsilon))), negLr);
    return { weight: add(step, weight), slots: [newM, newV] };
  }
  // TorchRMSprop: g ← g + wd·θ; s' = s·α + g²·(1−α); step = g/(√s' + ε) [+ μ·buffer];
  // θ' = θ − step·lr
  const g2 = optimizer.weightDecay > 0
    ? add(gradient, mul(weight, c(optimizer.weightDecay)))
    : gradient;
  const [squareAvg, buffer] = target.slots;
  const newSquareAvg = add(
    mul(squareAvg, c(optimizer.alpha)),
    mul(square(g2), c(1 - optimizer.alpha)),
  );
  let step = div(g2, add(sqrt(newSquareAvg), c(optimizer.epsilon)));
  const slots = [newSquareAvg];
  if (optimizer.momentum > 0) {
    step = add(mul(buffer, c(optimizer.momentum)), step);
    slots.push(step);
  }
  const newWeight = g.op("Sub", [weight, mul(step, scalars.learningRate)], T)[0];
  return { weight: newWeight, slots };
}
