/**
 * Training recipes as named presets: optimizer, learning-rate schedule, batch size, epochs,
 * data and split preset, input preprocessing, augmentation and which checkpoint is kept.
 * The card recipes follow their model cards; where tfjs cannot match PyTorch exactly, the gap is
 * stated in `notes`.
 *
 * @module
 */
import { augmentPreset } from "../augment/presets.ts";
import type { Pipeline } from "../augment/pipeline.ts";
import type { Preprocessing } from "../models/spec.ts";
import { lookup } from "../util/registry.ts";

/**
 * Optimizer settings. `rmsprop` follows PyTorch's `torch.optim.RMSprop` (ε added after the
 * square root, coupled L2 weight decay, optional momentum), implemented in `optimizers.ts`.
 */
export type OptimizerSpec =
  | { kind: "adam"; learningRate: number; beta1?: number; beta2?: number; epsilon?: number }
  | {
    kind: "rmsprop";
    learningRate: number;
    alpha?: number;
    epsilon?: number;
    weightDecay?: number;
    momentum?: number;
  }
  | { kind: "sgd"; learningRate: number; momentum?: number; weightDecay?: number };

/**
 * Learning-rate schedule over the whole run, evaluated per batch.
 * - `constant`: the optimizer's rate throughout.
 * - `cosine`: linear warm-up over `warmupEpochs`, then cosine decay to `minFactor` × rate.
 * - `one-cycle`: Smith's one-cycle as in PyTorch `OneCycleLR` (cosine annealing): from
 *   max/`divFactor` up to `maxLearningRate` over `pctStart` of the steps, then down to
 *   max/(`divFactor`·`finalDivFactor`).
 */
export type ScheduleSpec =
  | { kind: "constant" }
  | { kind: "cosine"; warmupEpochs?: number; minFactor?: number }
  | {
    kind: "one-cycle";
    maxLearningRate: number;
    pctStart?: number;
    divFactor?: number;
    finalDivFactor?: number;
  };

/**
 * A complete, printable training recipe.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { getRecipe } from "./recipes.ts";
 * const recipe = { ...getRecipe("keras-convnet"), epochs: 1 };
 * strictEqual(recipe.batchSize, 128);
 * ```
 */
export interface Recipe {
  name: string;
  description: string;
  /** Where the recipe comes from. */
  source: string;
  optimizer: OptimizerSpec;
  schedule: ScheduleSpec;
  batchSize: number;
  epochs: number;
  /**
   * Dataset registry names (`src/data/named.ts`) joined with `+`, e.g. `mnist+emnist-digits`;
   * `loadRecipeData` loads and splits them (notebooks may pass datasets directly).
   */
  data: string;
  /** Split preset of `src/data/split.ts` (`kaggle-60-20-20`, `keras-last-10`, `mdsist-70-15-15`). */
  split: string;
  /** Seed of the split (the cards use 42). */
  splitSeed: number;
  /** Input scaling; overrides the model spec's when set. */
  preprocessing?: Preprocessing;
  /** `src/augment` pipeline applied to every training batch (seeded), or empty for none. */
  augmentation: Pipeline;
  /** Checkpoint kept as the run's model: lowest validation loss, or the last epoch. */
  keep: "best-val-loss" | "last";
  /** Label smoothing of the cross-entropy (0 = none). */
  labelSmoothing?: number;
  /**
   * Clean training images from which batch-norm statistics are recomputed after every epoch,
   * before validation and the checkpoint (0 or absent: keep the moving averages; see
   * `batch_norm_stats.ts`).
   */
  batchNormRecalibration?: number;
  /** Known differences from the source. */
  notes?: string;
}

/**
 * Every named recipe.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert";
 * import { RECIPES } from "./recipes.ts";
 * ok(["baseline-adam", "strong-cnn", "kaggle-cnn"].every((name) => name in RECIPES));
 * ```
 */
export const RECIPES: Readonly<Record<string, Recipe>> = Object.freeze(Object.fromEntries(
  ([
    {
      name: "kaggle-cnn",
      description: "Kaggle CNN: RMSprop 1e-3, batch 100, 30 epochs, best validation loss",
      source: "Kaggle digit-recognizer model card (PyTorch)",
      optimizer: {
        kind: "rmsprop",
        learningRate: 1e-3,
        alpha: 0.9,
        epsilon: 1e-8,
        weightDecay: 1e-4,
      },
      schedule: { kind: "constant" },
      batchSize: 100,
      epochs: 30,
      data: "mnist",
      split: "kaggle-60-20-20",
      splitSeed: 42,
      preprocessing: "unit",
      augmentation: [],
      keep: "best-val-loss",
      notes: "RMSprop implemented with PyTorch semantics (ε outside the square root, coupled " +
        "weight decay); tfjs' built-in rmsprop puts ε inside the root and has no weight decay. " +
        "The card trains on Kaggle's train.csv (42,000 MNIST digits); this preset splits " +
        "MNIST's 60,000 training digits 60/20/20.",
    },
    {
      name: "mdsist",
      description: "MLOps-mdsist: Adam 1e-3, batch 64, 5 epochs, Normalize(0.5, 0.5)",
      source: "MLOps-mdsist model card (PyTorch)",
      optimizer: { kind: "adam", learningRate: 1e-3, epsilon: 1e-8 },
      schedule: { kind: "constant" },
      batchSize: 64,
      epochs: 5,
      data: "mnist",
      split: "mdsist-70-15-15",
      splitSeed: 42,
      preprocessing: "symmetric",
      augmentation: [],
      keep: "last",
    },
    {
      name: "adaptive-pool",
      description: "3-conv adaptive pool: Adam 1e-3, batch 32, 10 epochs, rotate ±10°, shift ±10%",
      source: "3-conv adaptive-pool CNN model card (PyTorch)",
      optimizer: { kind: "adam", learningRate: 1e-3, epsilon: 1e-8 },
      schedule: { kind: "constant" },
      batchSize: 32,
      epochs: 10,
      data: "mnist",
      split: "keras-last-10",
      splitSeed: 42,
      preprocessing: "symmetric",
      augmentation: augmentPreset("adaptive-pool"),
      keep: "last",
      notes: "The card names no validation split; the last 10% of train is held out.",
    },
    {
      name: "keras-convnet",
      description: "Keras convnet: Adam (Keras defaults), batch 128, 15 epochs, last 10% as val",
      source: "keras.io/examples/vision/mnist_convnet (card: test accuracy 0.9909, loss 0.0271)",
      optimizer: { kind: "adam", learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
      schedule: { kind: "constant" },
      batchSize: 128,
      epochs: 15,
      data: "mnist",
      split: "keras-last-10",
      splitSeed: 42,
      preprocessing: "unit",
      augmentation: [],
      keep: "last",
      notes: "tfjs' Adam adds ε to √v̂ (like PyTorch); Keras adds it to √v before the bias " +
        "correction. The two differ only while v is tiny (first steps, rarely-updated weights).",
    },
    {
      name: "beyond-mnist",
      description: "Beyond-MNIST: MNIST + EMNIST digits, batch 32, 50 epochs, augmentation",
      source: "Beyond-MNIST Keras model card",
      optimizer: { kind: "adam", learningRate: 1e-3, epsilon: 1e-7 },
      schedule: { kind: "constant" },
      batchSize: 32,
      epochs: 50,
      data: "mnist+emnist-digits",
      split: "keras-last-10",
      splitSeed: 42,
      preprocessing: "unit",
      augmentation: augmentPreset("beyond-mnist"),
      keep: "best-val-loss",
      notes: "The card names no optimizer or split: Keras' default Adam and the last 10% of " +
        "the merged training set as validation are assumed.",
    },
    {
      name: "baseline-adam",
      description: "Baselines: Adam 1e-3, batch 128, 10 epochs, last 10% as validation",
      source: "kit default for logistic regression, MLP and LeNet-5",
      optimizer: { kind: "adam", learningRate: 1e-3 },
      schedule: { kind: "constant" },
      batchSize: 128,
      epochs: 10,
      data: "mnist",
      split: "keras-last-10",
      splitSeed: 42,
      augmentation: [],
      keep: "best-val-loss",
    },
    {
      name: "strong-cnn",
      description:
        "Strong CNN: Adam one-cycle (max 3e-3), batch 128, 30 epochs, augmentation, BN recalibration",
      source: "kit recipe after Deotte's Kaggle MNIST models (rotate/zoom/shift augmentation)",
      optimizer: { kind: "adam", learningRate: 1e-3 },
      schedule: { kind: "one-cycle", maxLearningRate: 3e-3, pctStart: 0.25 },
      batchSize: 128,
      epochs: 30,
      data: "mnist",
      split: "keras-last-10",
      splitSeed: 42,
      augmentation: augmentPreset("modern-cnn"),
      // Moving averages lag the weights at one-cycle's peak learning rate: validation accuracy
      // swung 0.99 → 0.56 → 0.97 between epochs; recomputed statistics fixed it (0.963 → 0.994).
      batchNormRecalibration: 10_000,
      // One-cycle anneals to the end: the last weights are the model (with the old label
      // smoothing, best-validation-loss kept epoch 4 of 30).
      keep: "last",
    },
  ] satisfies Recipe[]).map((r) => [r.name, r]),
));

/**
 * A deep copy of the named recipe; throws a `UsageError` listing the known names.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { getRecipe } from "./recipes.ts";
 * strictEqual(getRecipe("kaggle-cnn").optimizer.kind, "rmsprop");
 * ```
 */
export function getRecipe(name: string): Recipe {
  return structuredClone(lookup(RECIPES, name, "recipe"));
}
