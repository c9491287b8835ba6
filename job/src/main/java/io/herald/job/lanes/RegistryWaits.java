package io.herald.job.lanes;

import io.herald.registry.RegistryView;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Work for Comets this Job does not see in its registry view yet. Logic may route a push to a Comet
 * that registered a moment ago (a member of a room joined it, a device connected to it) before this
 * Job's view, refreshed every poll interval, lists it; such work waits for the Comet to show up,
 * until a deadline after which the Comet counts as gone. Loop thread only.
 */
final class RegistryWaits {
  private record Waiting(
      String serverId,
      CallKind kind,
      Supplier<CompletableFuture<Outcome>> send,
      CompletableFuture<Outcome> ended) {}

  private final RegistryView registry;
  private final ScheduledExecutorService loop;
  private final Clock clock;
  private final LaneMetrics metrics;
  private final List<Waiting> waiting = new ArrayList<>();

  RegistryWaits(
      RegistryView registry, ScheduledExecutorService loop, Clock clock, LaneMetrics metrics) {
    this.registry = registry;
    this.loop = loop;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * Runs {@code send} now if {@code serverId} is registered, else once it is; ends as {@link
   * Outcome#GONE} at {@code deadlineUnixMs} (at once if that has passed), counted as one {@code
   * kind} call; or {@link Outcome#STOPPED} if Job stops first.
   */
  CompletableFuture<Outcome> whenRegistered(
      String serverId,
      long deadlineUnixMs,
      CallKind kind,
      Supplier<CompletableFuture<Outcome>> send) {
    Waiting entry = new Waiting(serverId, kind, send, new CompletableFuture<>());
    if (registry.node(serverId).isPresent()) {
      shown(entry);
      return entry.ended();
    }
    long wait = deadlineUnixMs - clock.millis();
    if (wait <= 0) {
      gone(entry);
      return entry.ended();
    }
    waiting.add(entry);
    var unused =
        loop.schedule(
            () -> {
              if (waiting.remove(entry)) {
                gone(entry);
              }
            },
            wait,
            TimeUnit.MILLISECONDS);
    return entry.ended();
  }

  /** The registry now lists {@code registered}: the work waiting for any of them goes ahead. */
  void registryChanged(Collection<String> registered) {
    Set<String> ids = Set.copyOf(registered);
    List<Waiting> shown = waiting.stream().filter(w -> ids.contains(w.serverId())).toList();
    waiting.removeAll(shown);
    shown.forEach(RegistryWaits::shown);
  }

  /** Job stops: every waiting piece of work ends as {@link Outcome#STOPPED}. */
  void stop() {
    List<Waiting> all = List.copyOf(waiting);
    waiting.clear();
    all.forEach(w -> w.ended().complete(Outcome.STOPPED));
  }

  private static void shown(Waiting w) {
    var unused = w.send().get().whenComplete((outcome, error) -> w.ended().complete(outcome));
  }

  private void gone(Waiting w) {
    metrics.call(w.kind(), Outcome.GONE);
    w.ended().complete(Outcome.GONE);
  }
}
