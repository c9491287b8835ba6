package io.herald.registry;

import io.herald.proto.registry.v1.CometNode;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A registry held in this process: for {@code herald standalone}, where every role shares one JVM,
 * and for fixed deployments that list their Comets in config.
 *
 * <p>Static nodes never expire. A registered record expires when the clock passes its last renewal
 * plus the TTL: reads stop listing it at once, and a sweep every {@code sweepInterval} drops it and
 * tells listeners. A record registered under a static node's server id shows in its place while it
 * lives (so a Comet's own load and state are seen), and the static one returns when it expires or
 * is deregistered.
 *
 * <p>Listeners are called on the thread of the write or sweep that changed the snapshot.
 */
public final class InMemoryRegistry implements Registry {
  private final Clock clock;
  private final long ttlMillis;
  private final Duration sweepInterval;
  private final Map<String, CometNode> staticNodes = new HashMap<>();
  private final Map<String, CometNode> registered = new ConcurrentHashMap<>();
  private final SnapshotPublisher publisher;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private Lifecycle lifecycle = Lifecycle.NEW;
  private ScheduledExecutorService sweeper;

  public InMemoryRegistry(
      Clock clock,
      Duration ttl,
      Duration sweepInterval,
      List<CometNode> staticNodes,
      MeterRegistry meters) {
    this.clock = clock;
    this.ttlMillis = ttl.toMillis();
    this.sweepInterval = sweepInterval;
    staticNodes.forEach(node -> this.staticNodes.put(node.getServerId(), node));
    this.publisher = new SnapshotPublisher(meters);
  }

  @Override
  public synchronized void start() {
    if (lifecycle != Lifecycle.NEW) {
      return;
    }
    lifecycle = Lifecycle.STARTED;
    publisher.publish(live(clock.millis()));
    sweeper =
        Executors.newSingleThreadScheduledExecutor(
            Lifecycle.daemonThreads("herald-registry-sweep"));
    long period = sweepInterval.toMillis();
    var unused = sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    ready.complete(null);
  }

  @Override
  public synchronized void stop() {
    if (lifecycle == Lifecycle.STARTED) {
      sweeper.shutdownNow();
      publisher.close();
    }
    lifecycle = Lifecycle.STOPPED;
  }

  @Override
  public CompletableFuture<Void> ready() {
    return ready;
  }

  @Override
  public synchronized CompletableFuture<Void> register(CometNode node) {
    RuntimeException refusal = lifecycle.refuseWrite(node.getServerId());
    if (refusal != null) {
      return CompletableFuture.failedFuture(refusal);
    }
    long now = clock.millis();
    registered.put(node.getServerId(), node.toBuilder().setLastRenewUnixMs(now).build());
    publisher.publish(live(now));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public synchronized CompletableFuture<Void> deregister(String serverId) {
    RuntimeException refusal = lifecycle.refuseWrite(serverId);
    if (refusal != null) {
      return CompletableFuture.failedFuture(refusal);
    }
    if (registered.remove(serverId) != null) {
      publisher.publish(live(clock.millis()));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public List<CometNode> nodes() {
    return view().nodes();
  }

  @Override
  public Optional<CometNode> node(String serverId) {
    return Optional.ofNullable(view().byId().get(serverId));
  }

  @Override
  public void addListener(RegistryListener listener) {
    publisher.addListener(listener);
  }

  @Override
  public void removeListener(RegistryListener listener) {
    publisher.removeListener(listener);
  }

  /** Drops expired records and publishes the result; runs every {@code sweepInterval}. */
  synchronized void sweep() {
    if (lifecycle != Lifecycle.STARTED) {
      return;
    }
    long now = clock.millis();
    registered.values().removeIf(node -> expired(node, now));
    publisher.publish(live(now));
  }

  /** The published snapshot, or a fresh one if a record in it has expired since. */
  private Snapshot view() {
    Snapshot published = publisher.current();
    long now = clock.millis();
    return now <= published.validUntilMillis() ? published : live(now);
  }

  private Snapshot live(long now) {
    Map<String, CometNode> nodes = new HashMap<>(staticNodes);
    long validUntil = Long.MAX_VALUE;
    for (CometNode node : registered.values()) {
      if (!expired(node, now)) {
        nodes.put(node.getServerId(), node);
        validUntil = Math.min(validUntil, node.getLastRenewUnixMs() + ttlMillis);
      }
    }
    return Snapshot.of(nodes.values(), validUntil);
  }

  private boolean expired(CometNode node, long now) {
    return now > node.getLastRenewUnixMs() + ttlMillis;
  }
}
