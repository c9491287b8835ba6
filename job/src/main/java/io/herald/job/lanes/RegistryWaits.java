package io.herald.job.lanes;

import io.herald.registry.RegistryView;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Work for Comets this Job does not see in its registry view yet. Logic may route a push to a Comet
 * that registered a moment ago (a member of a room joined it, a device connected to it) before this
 * Job's view, refreshed every poll interval, lists it; such work waits for the Comet to show up,
 * until a deadline after which the Comet counts as gone. Loop thread only.
 */
final class RegistryWaits {
  /** What to do when the Comet shows up, when the deadline passes first, or when Job stops. */
  interface Waiter {
    void shown();

    void gone();

    void stopped();
  }

  private record Waiting(String serverId, Waiter waiter) {}

  private final RegistryView registry;
  private final ScheduledExecutorService loop;
  private final Clock clock;
  private final List<Waiting> waiting = new ArrayList<>();

  RegistryWaits(RegistryView registry, ScheduledExecutorService loop, Clock clock) {
    this.registry = registry;
    this.loop = loop;
    this.clock = clock;
  }

  /**
   * Runs {@code waiter.shown()} now if {@code serverId} is registered, else once it is, or {@code
   * waiter.gone()} at {@code deadlineUnixMs} (at once if that has passed).
   */
  void whenRegistered(String serverId, long deadlineUnixMs, Waiter waiter) {
    if (registry.node(serverId).isPresent()) {
      waiter.shown();
      return;
    }
    long wait = deadlineUnixMs - clock.millis();
    if (wait <= 0) {
      waiter.gone();
      return;
    }
    Waiting entry = new Waiting(serverId, waiter);
    waiting.add(entry);
    var unused =
        loop.schedule(
            () -> {
              if (waiting.remove(entry)) {
                waiter.gone();
              }
            },
            wait,
            TimeUnit.MILLISECONDS);
  }

  /** The registry now lists {@code registered}: the work waiting for any of them goes ahead. */
  void registryChanged(Collection<String> registered) {
    Set<String> ids = Set.copyOf(registered);
    List<Waiting> shown = waiting.stream().filter(w -> ids.contains(w.serverId())).toList();
    waiting.removeAll(shown);
    shown.forEach(w -> w.waiter().shown());
  }

  /** Job stops: every waiter is told so. */
  void stop() {
    List<Waiting> all = List.copyOf(waiting);
    waiting.clear();
    all.forEach(w -> w.waiter().stopped());
  }
}
