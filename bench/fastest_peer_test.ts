import assert from "node:assert/strict";
import { compareWithPeers } from "./fastest_peer.ts";

Deno.test("rates: the fastest peer has the highest median; ratios pair rounds with it", () => {
  const c = compareWithPeers("img/s", [9000, 9600, 9300], {
    pytorch: [5600, 5700, 5650],
    keras: [5800, 6000, 5900],
  });
  assert.equal(c.fastestPeer, "keras");
  assert.deepEqual(c.peerMedians, { pytorch: 5650, keras: 5900 });
  assert.deepEqual(c.peer, [5800, 6000, 5900]);
  assert.equal(c.ratio, 9300 / 5900);
  assert.deepEqual(c.roundRatios, [9000 / 5800, 9600 / 6000, 9300 / 5900]);
});

Deno.test("times: the fastest peer has the lowest median and the ratio is peer / ours", () => {
  const c = compareWithPeers("s", [7.5, 7.4, 7.6], { pytorch: [16.8, 16, 17], keras: [13.6] });
  assert.equal(c.fastestPeer, "keras");
  assert.equal(c.ratio, 13.6 / 7.5);
  // Keras ran one round of three: its values do not pair with ours round by round.
  assert.deepEqual(c.roundRatios, []);
});

Deno.test("the fastest peer is chosen per figure", () => {
  assert.equal(
    compareWithPeers("img/s", [1], { pytorch: [7661], keras: [6000] }).fastestPeer,
    "pytorch",
  );
  assert.equal(
    compareWithPeers("img/s", [1], { pytorch: [4365], keras: [5872] }).fastestPeer,
    "keras",
  );
});

Deno.test("no peer measured: no fastest peer and no ratio", () => {
  const c = compareWithPeers("img/s", [5000, 7000], { pytorch: [], keras: [] });
  assert.equal(c.fastestPeer, null);
  assert.equal(c.peerMedian, null);
  assert.equal(c.ratio, null);
  assert.deepEqual(c.roundRatios, []);
  assert.equal(c.oursMedian, 6000);
});
