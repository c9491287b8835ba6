package io.herald.balancer.rank;

import io.herald.config.Check;

/**
 * What a client asks for besides its location.
 *
 * @param platform the client platform as in the AUTH body ({@code web}, {@code android}, {@code
 *     ios}, ...); {@code web} (any case) means a browser, which can only use WebSocket. Null is
 *     taken as empty.
 * @param limit how many nodes to return, 1 to {@value #MAX_LIMIT}; {@value #DEFAULT_LIMIT} by
 *     default
 * @param seed what makes this client's order its own: the client IP or a request key. Equal seeds
 *     give equal orders for equal snapshots; distinct seeds spread clients over equally good nodes.
 *     Null is taken as empty (then every client gets the same order).
 */
public record RankRequest(String platform, int limit, String seed) {

  public static final int DEFAULT_LIMIT = 5;
  public static final int MAX_LIMIT = 100;

  public RankRequest {
    platform = platform == null ? "" : platform.strip();
    Check.inRange("limit", limit, 1, MAX_LIMIT);
    seed = seed == null ? "" : seed;
  }

  /** A request for {@value #DEFAULT_LIMIT} nodes. */
  public static RankRequest of(String platform, String seed) {
    return new RankRequest(platform, DEFAULT_LIMIT, seed);
  }

  /** Whether the client is a browser, which needs a ws or wss address. */
  public boolean web() {
    return platform.equalsIgnoreCase("web");
  }
}
