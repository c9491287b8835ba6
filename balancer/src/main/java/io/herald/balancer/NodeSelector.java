package io.herald.balancer;

import io.herald.balancer.locate.ClientLocator;
import io.herald.balancer.rank.ClientLocation;
import io.herald.balancer.rank.NodeRanker;
import io.herald.balancer.rank.RankRequest;
import io.herald.config.Check;
import io.herald.registry.RegistryView;
import java.util.Objects;

/**
 * Turns a client's {@link NodeQuery} into an ordered list of Comets: locate the client, take the
 * registry's current snapshot, rank. Does no I/O (the registry view answers from memory), so the
 * Balancer's HTTP and gRPC services and Logic's goim node API call it on their request threads.
 */
public final class NodeSelector {
  private final ClientLocator locator;
  private final NodeRanker ranker;
  private final RegistryView registry;
  private final ClientHeartbeat heartbeat;
  private final ClientBackoff backoff;
  private final int defaultLimit;
  private final int maxLimit;

  public NodeSelector(
      ClientLocator locator,
      NodeRanker ranker,
      RegistryView registry,
      ClientHeartbeat heartbeat,
      ClientBackoff backoff,
      int defaultLimit,
      int maxLimit) {
    this.locator = Objects.requireNonNull(locator, "locator");
    this.ranker = Objects.requireNonNull(ranker, "ranker");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.maxLimit = Check.inRange("maxLimit", maxLimit, 1, RankRequest.MAX_LIMIT);
    this.defaultLimit = Check.inRange("defaultLimit", defaultLimit, 1, maxLimit);
  }

  /**
   * Ranks the registered Comets for one client.
   *
   * @throws IllegalArgumentException naming the parameter when the query is out of bounds (a limit
   *     above the maximum, an unparseable client IP)
   */
  public Selection select(NodeQuery query) {
    int limit = query.limit() == 0 ? defaultLimit : query.limit();
    if (limit > maxLimit) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: 1-" + maxLimit + ")");
    }
    ClientLocation where =
        locator.locate(
            query.latitude(),
            query.longitude(),
            query.clientIp().isEmpty() ? null : query.clientIp());
    // The seed makes the order stable for one client and different across clients, which is
    // what spreads equal-scored nodes over first places.
    String seed =
        query.clientIp().isEmpty() ? query.latitude() + "," + query.longitude() : query.clientIp();
    return new Selection(
        ranker.rank(where, registry.nodes(), new RankRequest(query.platform(), limit, seed)),
        where,
        heartbeat,
        backoff);
  }
}
