import assert from "node:assert/strict";
import { fromUint8, toUint8 } from "./uint8.ts";

Deno.test("uint8 ↔ float round trip is exact for every byte value", () => {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const floats = fromUint8(bytes);
  assert.ok(floats.every((v) => v >= 0 && v <= 1));
  assert.deepEqual(toUint8(floats), bytes);
  assert.deepEqual(
    toUint8(new Float32Array([-0.2, 0.499 / 255, 1.7, NaN])),
    new Uint8Array([0, 0, 255, 0]),
  );
});
