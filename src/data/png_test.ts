import assert from "node:assert/strict";
import { join } from "node:path";
import { encode } from "fast-png";
import { InputError } from "../util/errors.ts";
import { loadMnist } from "./mnist.ts";
import { toMnistStyle } from "./mnist_style.ts";
import { decodePngGray, loadPngFolder, loadPngImage } from "./png.ts";
import { PIXELS, UNLABELED } from "./types.ts";

const mnist = await loadMnist("test");

/** An MNIST digit as a dark-on-light "scan": scaled up, inverted, off-centre on white paper. */
function scanOf(index: number, scale: number, left: number, top: number) {
  const width = 28 * scale + left + 17, height = 28 * scale + top + 5;
  const data = new Uint8Array(width * height).fill(255);
  for (let y = 0; y < 28 * scale; y++) {
    for (let x = 0; x < 28 * scale; x++) {
      const v = mnist.images[index * PIXELS + Math.floor(y / scale) * 28 + Math.floor(x / scale)];
      data[(y + top) * width + x + left] = 255 - v;
    }
  }
  return { width, height, data };
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

Deno.test("MNIST-style normalisation recovers MNIST digits from inverted, scaled, shifted scans", () => {
  for (const index of [0, 1, 2, 3, 4, 7, 11, 18]) {
    const scan = scanOf(index, 3, 40, 11);
    const out = toMnistStyle({ ...scan, data: Float32Array.from(scan.data) });
    const original = mnist.images.subarray(index * PIXELS, (index + 1) * PIXELS);
    // Same digit up to resampling: small average difference against 0..255 pixels.
    assert.ok(meanAbsDiff(out, original) < 2, `digit ${index}: ${meanAbsDiff(out, original)}`);
    let mass = 0, cx = 0, cy = 0, x0 = 28, x1 = -1, y0 = 28, y1 = -1;
    for (let p = 0; p < PIXELS; p++) {
      const v = out[p], x = p % 28, y = Math.floor(p / 28);
      mass += v;
      cx += v * x;
      cy += v * y;
      if (v > 25) {
        [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
      }
    }
    assert.ok(
      Math.abs(cx / mass - 14) <= 0.5 && Math.abs(cy / mass - 14) <= 0.5,
      "centred by mass",
    );
    assert.ok(Math.max(x1 - x0, y1 - y0) + 1 <= 20, "fits the 20×20 box");
    assert.equal(out[0] + out[27] + out[PIXELS - 1], 0, "black background");
  }
  assert.ok(
    toMnistStyle({ width: 5, height: 5, data: new Float32Array(25).fill(255) }).every((v) =>
      v === 0
    ),
  );
});

Deno.test("PNG decoding: gray 8/16/1-bit, RGBA over white, palette", () => {
  const gray8 = encode({
    width: 2,
    height: 1,
    data: new Uint8Array([0, 200]),
    channels: 1,
    depth: 8,
  });
  assert.deepEqual([...decodePngGray(gray8, "g8").data], [0, 200]);
  const gray16 = encode({
    width: 1,
    height: 1,
    data: new Uint16Array([65535]),
    channels: 1,
    depth: 16,
  });
  assert.deepEqual([...decodePngGray(gray16, "g16").data], [255]);
  const bits = encode({
    width: 3,
    height: 1,
    data: new Uint8Array([0b10100000]),
    channels: 1,
    depth: 1,
  });
  assert.deepEqual([...decodePngGray(bits, "g1").data], [255, 0, 255]);
  const rgba = encode({
    width: 2,
    height: 1,
    data: new Uint8Array([0, 0, 0, 0, 255, 0, 0, 255]),
    channels: 4,
    depth: 8,
  });
  const [transparent, red] = decodePngGray(rgba, "rgba").data;
  assert.equal(transparent, 255, "transparent is white paper");
  const whiteStroke = encode({
    width: 2,
    height: 1,
    data: new Uint8Array([0, 0, 0, 0, 255, 255, 255, 255]),
    channels: 4,
    depth: 8,
  });
  assert.deepEqual([...decodePngGray(whiteStroke, "w").data], [0, 255], "white ink: black paper");
  assert.ok(Math.abs(red - 0.299 * 255) < 1e-3);
  const palette = encode({
    width: 2,
    height: 1,
    data: new Uint8Array([1, 0]),
    channels: 1,
    depth: 8,
    palette: [[255, 255, 255], [0, 0, 0]],
  });
  assert.deepEqual([...decodePngGray(palette, "p").data], [0, 255]);
  assert.throws(
    () => decodePngGray(new TextEncoder().encode("GIF89a.."), "x.png"),
    (e: unknown) =>
      e instanceof InputError && /x\.png: bytes 0-7: expected the PNG signature/.test(e.message),
  );
});

Deno.test("PNG folders: one sub-folder per class, flat unlabeled, single image", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const png = (index: number) => {
      const scan = scanOf(index, 2, 3, 4);
      return encode({ ...scan, channels: 1, depth: 8 });
    };
    for (const [cls, index] of [["7", 0], ["2", 1], ["7", 17]] as const) {
      await Deno.mkdir(join(dir, "byclass", cls), { recursive: true });
      await Deno.writeFile(join(dir, "byclass", cls, `img${index}.png`), png(index));
    }
    const ds = await loadPngFolder(join(dir, "byclass"));
    assert.equal(ds.count, 3);
    assert.deepEqual([...ds.labels], [2, 7, 7]);
    assert.equal(ds.files[0], join(dir, "byclass", "2", "img1.png"));
    assert.ok(
      meanAbsDiff(ds.images.subarray(0, PIXELS), mnist.images.subarray(PIXELS, 2 * PIXELS)) < 2,
    );
    await Deno.mkdir(join(dir, "flat"));
    await Deno.writeFile(join(dir, "flat", "a.png"), png(3));
    const flat = await loadPngFolder(join(dir, "flat"));
    assert.deepEqual([...flat.labels], [UNLABELED]);
    const single = await loadPngImage(join(dir, "flat", "a.png"));
    assert.deepEqual(single.images, flat.images);
    await Deno.mkdir(join(dir, "none"));
    await assert.rejects(loadPngFolder(join(dir, "none")), /none: expected PNG files/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
