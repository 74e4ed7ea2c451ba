import assert from "node:assert/strict";
import { formatDuration, ProgressBar } from "./progress.ts";

Deno.test("a bar made after the work began counts its rate from startedAt", () => {
  const startedAt = performance.now() - 2000; // began two seconds ago
  const bar = new ProgressBar({ label: "epoch 1/1", total: 100, write: null, startedAt });
  bar.update(10);
  // 10 units in ~2 s: ~5/s, not the thousands a bar timed from its own creation would claim.
  assert.ok(bar.rate > 4 && bar.rate < 5.1, `rate ${bar.rate}`);
  assert.ok(bar.elapsedSeconds >= 2);
});

Deno.test("non-interactive bars print whole lines with done/total, rate and fields", () => {
  const lines: string[] = [];
  const bar = new ProgressBar({
    label: "eval",
    total: 4,
    unit: "img",
    write: (t) => lines.push(t),
    interactive: false,
  });
  bar.update(2, { loss: 0.5 });
  bar.done({ loss: 0.25 });
  assert.equal(lines.length, 2);
  assert.ok(lines.every((l) => l.endsWith("\n") && !l.includes("\r")));
  assert.match(lines[1], /^eval █+░+ 2\/4 .* img\/s .* loss 0\.2500\n$/);
});

Deno.test("durations print as m:ss or h:mm:ss, and unknown as --:--", () => {
  assert.equal(formatDuration(65), "1:05");
  assert.equal(formatDuration(3725), "1:02:05");
  assert.equal(formatDuration(NaN), "--:--");
});
