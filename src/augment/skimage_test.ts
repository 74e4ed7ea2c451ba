/**
 * Cross-checks against scikit-image (what MNIST-C was built with) when Debian's python3-skimage
 * is installed: Canny edges and the affine warp must match it on real digits.
 */
import assert from "node:assert/strict";
import { cannyEdges } from "./canny.ts";
import { corrupt } from "./corruptions.ts";
import { loadTestDigits } from "../testing.ts";

const PYTHON = "/usr/bin/python3";

function hasSkimage(): boolean {
  try {
    const probe = new Deno.Command(PYTHON, { args: ["-c", "import skimage"], stderr: "null" });
    return probe.outputSync().success;
  } catch {
    return false;
  }
}

const SCRIPT = `
import sys, numpy as np
from skimage import feature, transform
n = int(sys.argv[2])
d = np.fromfile(sys.argv[1] + "/digits.f32", dtype=np.float32).reshape(n, 28, 28).astype(np.float64)
np.stack([feature.canny(x) for x in d]).astype(np.float32).tofile(sys.argv[1] + "/canny.f32")
# MNIST-C's scale at severity 3: inverse map scale 1/0.7 about the centre (13.5, 13.5).
s = 1 / 0.7
m = np.array([[s, 0, 13.5 * (1 - s)], [0, s, 13.5 * (1 - s)], [0, 0, 1.0]])
aff = transform.AffineTransform(matrix=m)
np.stack([transform.warp(x, inverse_map=aff, order=1) for x in d]).astype(np.float32).tofile(
    sys.argv[1] + "/scale.f32")
`;

Deno.test({
  name: "Canny and warps agree with scikit-image on real digits",
  ignore: !hasSkimage(),
  fn() {
    const count = 40;
    const digits = loadTestDigits(count);
    const dir = Deno.makeTempDirSync();
    try {
      Deno.writeFileSync(`${dir}/digits.f32`, new Uint8Array(digits.buffer));
      const run = new Deno.Command(PYTHON, { args: ["-c", SCRIPT, dir, String(count)] })
        .outputSync();
      assert.ok(run.success, new TextDecoder().decode(run.stderr));
      const read = (name: string) => new Float32Array(Deno.readFileSync(`${dir}/${name}`).buffer);

      const reference = read("canny.f32");
      const mine = new Float32Array(784), tmp = new Float32Array(784);
      let differing = 0, edgePixels = 0;
      for (let k = 0; k < count; k++) {
        cannyEdges(digits.subarray(k * 784, (k + 1) * 784), mine, tmp);
        for (let i = 0; i < 784; i++) {
          edgePixels += reference[k * 784 + i];
          if (mine[i] !== reference[k * 784 + i]) differing++;
        }
      }
      assert.ok(edgePixels > 1000, `reference found only ${edgePixels} edge pixels`);
      // Border handling of the smoothing differs slightly; edges must agree almost everywhere.
      assert.ok(differing <= 0.01 * edgePixels, `${differing} of ${edgePixels} edge pixels differ`);

      const scaled = corrupt(digits, count, "scale", 3, 0);
      const expected = read("scale.f32");
      let worst = 0;
      for (let i = 0; i < scaled.length; i++) {
        worst = Math.max(worst, Math.abs(scaled[i] - expected[i]));
      }
      assert.ok(worst < 1e-5, `scale differs by ${worst}`);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
