/**
 * Ratios against the fastest peer: per figure, the peer with the best median (most images/s, or
 * fewest seconds) is the one digitkit is compared with.
 *
 * @module
 */
import type { Figure } from "./bench_report.ts";

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** What {@link compareWithPeers} fills in on a figure. */
export type PeerComparison = Pick<
  Figure,
  "oursMedian" | "peerMedians" | "fastestPeer" | "peer" | "peerMedian" | "ratio" | "roundRatios"
>;

/**
 * Medians of our values and of each peer's, the fastest peer (highest median rate, or lowest
 * median time for figures in seconds), and our ratio against it (> 1: digitkit is faster) overall
 * and per round (only when that peer measured every round, so rounds pair up).
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert";
 * import { compareWithPeers } from "./fastest_peer.ts";
 * const c = compareWithPeers("img/s", [9000, 9300], { pytorch: [5600, 5700], keras: [5800, 5900] });
 * deepStrictEqual([c.fastestPeer, c.peerMedian, c.ratio], ["keras", 5850, 9150 / 5850]);
 * ```
 */
export function compareWithPeers(
  unit: Figure["unit"],
  ours: number[],
  peers: Record<string, number[]>,
): PeerComparison {
  const lowerIsBetter = unit === "s";
  const peerMedians: Record<string, number> = {};
  for (const [name, values] of Object.entries(peers)) {
    if (values.length > 0) peerMedians[name] = median(values);
  }
  let fastestPeer: string | null = null;
  for (const [name, m] of Object.entries(peerMedians)) {
    if (fastestPeer === null) fastestPeer = name;
    else if (lowerIsBetter ? m < peerMedians[fastestPeer] : m > peerMedians[fastestPeer]) {
      fastestPeer = name;
    }
  }
  const oursMedian = ours.length ? median(ours) : NaN;
  const faster = (o: number, p: number) => lowerIsBetter ? p / o : o / p;
  const peer = fastestPeer === null ? [] : peers[fastestPeer];
  const peerMedian = fastestPeer === null ? null : peerMedians[fastestPeer];
  return {
    oursMedian,
    peerMedians,
    fastestPeer,
    peer,
    peerMedian,
    ratio: peerMedian === null ? null : faster(oursMedian, peerMedian),
    roundRatios: peer.length > 0 && peer.length === ours.length
      ? ours.map((o, i) => faster(o, peer[i]))
      : [],
  };
}
