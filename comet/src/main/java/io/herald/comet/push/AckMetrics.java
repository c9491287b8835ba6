package io.herald.comet.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link Deliveries} counts: acked messages by how their wait ended ({@code
 * herald.comet.acks{result=acked|given_up_attempts|given_up_window|closed|noticed}}), resends
 * ({@code herald.comet.acks.resends}), the acked messages awaiting their ack now ({@code
 * herald.comet.acks.pending}), inbox notices sent ({@code herald.comet.inbox.notices}) and the
 * connections holding delivery state ({@code herald.comet.delivery.connections}).
 */
final class AckMetrics {
  private final AtomicLong pending = new AtomicLong();
  private final Counter acked;
  private final Counter givenUpAttempts;
  private final Counter givenUpWindow;
  private final Counter closed;
  private final Counter noticed;
  private final Counter resends;
  private final Counter notices;

  /**
   * @param states the connections holding delivery state, gauged by size
   */
  AckMetrics(MeterRegistry meters, Map<?, ?> states) {
    this.acked = acks(meters, "acked");
    this.givenUpAttempts = acks(meters, "given_up_attempts");
    this.givenUpWindow = acks(meters, "given_up_window");
    this.closed = acks(meters, "closed");
    this.noticed = acks(meters, "noticed");
    this.resends =
        Counter.builder("herald.comet.acks.resends")
            .description("Acked messages sent again for want of an ack")
            .register(meters);
    this.notices =
        Counter.builder("herald.comet.inbox.notices")
            .description("Inbox notices (op 27) sent")
            .register(meters);
    Gauge.builder("herald.comet.acks.pending", pending, AtomicLong::get)
        .description("Acked messages awaiting their ack, on every connection")
        .register(meters);
    Gauge.builder("herald.comet.delivery.connections", states, Map::size)
        .description("Connections holding delivery state (something pending)")
        .register(meters);
  }

  private static Counter acks(MeterRegistry meters, String result) {
    return Counter.builder("herald.comet.acks")
        .description("Acked messages, by how their wait for an ack ended")
        .tag("result", result)
        .register(meters);
  }

  /** Acked messages awaiting their ack, on every connection. */
  long pending() {
    return pending.get();
  }

  /** One more acked message awaits its ack. */
  void tracked() {
    pending.incrementAndGet();
  }

  void acked() {
    pending.decrementAndGet();
    acked.increment();
  }

  void givenUpAfterAttempts() {
    pending.decrementAndGet();
    givenUpAttempts.increment();
  }

  void givenUpForWindow() {
    pending.decrementAndGet();
    givenUpWindow.increment();
  }

  /** {@code count} awaiting their ack on a connection that closed. */
  void closed(int count) {
    pending.addAndGet(-count);
    closed.increment(count);
  }

  /** An acked push sent as a notice instead: not tracked, the inbox keeps it. */
  void noticed() {
    noticed.increment();
  }

  void resent() {
    resends.increment();
  }

  void noticeSent() {
    notices.increment();
  }
}
