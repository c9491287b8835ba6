package io.herald.registry;

import io.herald.proto.registry.v1.CometNode;
import io.herald.proto.registry.v1.NodeState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a view's current {@link Snapshot}, tells listeners when its topology changes, and reports
 * {@code herald.registry.nodes{state}}. Publishing is serialized, so listeners see snapshots one at
 * a time and in order.
 */
final class SnapshotPublisher {
  private static final Logger log = LoggerFactory.getLogger(SnapshotPublisher.class);

  private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();
  private final MeterRegistry meters;
  private final List<Gauge> gauges;
  private volatile Snapshot current = Snapshot.EMPTY;

  SnapshotPublisher(MeterRegistry meters) {
    this.meters = meters;
    this.gauges =
        List.of(
            gauge("up", NodeState.NODE_STATE_UP), gauge("draining", NodeState.NODE_STATE_DRAINING));
  }

  Snapshot current() {
    return current;
  }

  synchronized void publish(Snapshot next) {
    Snapshot previous = current;
    current = next;
    if (previous.topologyDiffers(next)) {
      for (RegistryListener listener : listeners) {
        call(listener, next.nodes());
      }
    }
  }

  synchronized void addListener(RegistryListener listener) {
    listeners.add(listener);
    call(listener, current.nodes());
  }

  void removeListener(RegistryListener listener) {
    listeners.remove(listener);
  }

  /** Unregisters the gauges; the snapshot stays readable. */
  void close() {
    gauges.forEach(meters::remove);
  }

  private static void call(RegistryListener listener, List<CometNode> nodes) {
    try {
      listener.onChange(nodes);
    } catch (RuntimeException e) {
      log.warn("Registry listener {} failed", listener, e);
    }
  }

  private Gauge gauge(String tag, NodeState state) {
    return Gauge.builder("herald.registry.nodes", this, publisher -> publisher.current.count(state))
        .tag("state", tag)
        .description("Comets listed in this registry view, by state")
        .register(meters);
  }
}
