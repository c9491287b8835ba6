package io.herald.balancer.rank;

import java.nio.charset.StandardCharsets;

/**
 * A weighted random permutation that is a pure function of a seed: the exponential race.
 *
 * <p>Each node draws {@code u} uniform in (0, 1) from a hash of (seed, server id) and gets the key
 * {@code −ln(u) / score}, an exponential variable with rate {@code score}; sorting by key ascending
 * orders the nodes. The smallest of independent exponentials is node {@code i} with probability
 * {@code score_i / Σ score}, and the rest of the order is weighted sampling without replacement
 * (Efraimidis–Spirakis). So over many seeds each node's share of first place is proportional to its
 * score, equal seeds give equal orders, and nodes with equal scores are spread evenly — no node is
 * everybody's first choice.
 */
final class SeededOrder {

  private final long seedHash;

  SeededOrder(String seed) {
    this.seedHash = hash(seed);
  }

  /** The sort key of node {@code serverId} with {@code score > 0}; smaller goes first. */
  double key(String serverId, double score) {
    long bits = mix(seedHash ^ Long.rotateLeft(hash(serverId), 32));
    // The top 53 bits, centred in their interval: uniform in (0, 1), never 0 or 1.
    double u = ((bits >>> 11) + 0.5) * 0x1.0p-53;
    return -Math.log(u) / score;
  }

  /** FNV-1a over the UTF-8 bytes, then a full-avalanche finish. */
  private static long hash(String text) {
    long h = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /** The SplitMix64 / Stafford variant 13 finalizer: every input bit affects every output bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
