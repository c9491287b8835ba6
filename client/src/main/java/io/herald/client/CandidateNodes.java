package io.herald.client;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The nodes one round of the node walk tries, in order: the hints of the last RECONNECT (op 21),
 * then the Balancer's list (asked afresh each round), then the configured nodes; no node twice, at
 * most {@code attemptsPerRound}. Hints serve one round. Confined to the event loop.
 */
final class CandidateNodes {
  private final BalancerNodes balancer;
  private final List<String> configured;
  private final int limit;
  private List<String> hints = List.of();

  /**
   * @param balancer asked for nodes every round, or {@code null} for none
   */
  CandidateNodes(BalancerNodes balancer, List<String> configured, int limit) {
    this.balancer = balancer;
    this.configured = List.copyOf(configured);
    this.limit = limit;
  }

  /** The candidates for {@code config}; the Balancer's answers are handled on {@code executor}. */
  static CandidateNodes of(ClientConfig config, Executor executor) {
    BalancerNodes balancer =
        config.balancer() == null
            ? null
            : new BalancerNodes(
                config.balancer(),
                config.platform(),
                config.reconnect().attemptsPerRound(),
                config.transport(),
                config.connectTimeout(),
                executor);
    return new CandidateNodes(balancer, config.nodes(), config.reconnect().attemptsPerRound());
  }

  /** Nodes a RECONNECT named: the next round tries them first. */
  void hint(List<String> nodes) {
    hints = List.copyOf(nodes);
  }

  /**
   * The next round's nodes; never fails (a Balancer that gives none leaves the hints and the
   * configured nodes).
   */
  CompletableFuture<List<String>> next() {
    List<String> hinted = hints;
    hints = List.of();
    CompletableFuture<List<String>> fromBalancer =
        balancer == null ? CompletableFuture.completedFuture(List.of()) : balancer.fetch();
    return fromBalancer.handle(
        (listed, error) -> merge(hinted, listed == null ? List.of() : listed));
  }

  private List<String> merge(List<String> hinted, List<String> listed) {
    Set<String> all = new LinkedHashSet<>(hinted);
    all.addAll(listed);
    all.addAll(configured);
    return all.stream().limit(limit).toList();
  }
}
