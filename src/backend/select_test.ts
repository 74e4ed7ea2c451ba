import assert from "node:assert/strict";
import { chooseBackend, parseBackendChoice } from "./select.ts";
import { UsageError } from "../util/errors.ts";

Deno.test("auto picks the fastest available backend", () => {
  assert.equal(chooseBackend("auto", ["cpu", "wasm", "tensorflow"]), "tensorflow");
  assert.equal(chooseBackend("auto", ["cpu", "wasm"]), "wasm");
  assert.equal(chooseBackend("auto", ["cpu"]), "cpu");
});

Deno.test("auto with nothing available is a user error", () => {
  assert.throws(() => chooseBackend("auto", []), UsageError);
});

Deno.test("an explicit choice is honoured even when a faster one is available", () => {
  assert.equal(chooseBackend("cpu", ["tensorflow", "wasm", "cpu"]), "cpu");
  assert.equal(chooseBackend("wasm", ["tensorflow", "wasm", "cpu"]), "wasm");
});

Deno.test("an unavailable explicit choice names the reason", () => {
  assert.throws(
    () => chooseBackend("tensorflow", ["wasm", "cpu"], { tensorflow: "addon not built" }),
    (e: unknown) =>
      e instanceof UsageError && /tensorflow' is not available: addon not built/.test(e.message),
  );
});

Deno.test("parseBackendChoice accepts the four names and defaults to auto", () => {
  assert.equal(parseBackendChoice(undefined), "auto");
  for (const name of ["auto", "tensorflow", "wasm", "cpu"]) {
    assert.equal(parseBackendChoice(name), name);
  }
  assert.throws(() => parseBackendChoice("webgl"), /must be one of auto, tensorflow, wasm, cpu/);
});
