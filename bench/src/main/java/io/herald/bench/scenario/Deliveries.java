package io.herald.bench.scenario;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** What the client processes received in one step of a scenario: messages and their latency. */
record Deliveries(long delivered, Histogram latency) {
  /** How long deliveries may stall before a step counts what has not arrived as lost. */
  private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(3);

  /** Waits until {@code expected} deliveries arrived, or none arrived for 3 s, and sums them. */
  static Deliveries await(List<ClientProcess> clients, long expected) throws Exception {
    long last = -1;
    long stillSince = System.nanoTime();
    while (true) {
      Deliveries now = collect(clients);
      if (now.delivered() >= expected
          || (now.delivered() == last && System.nanoTime() - stillSince > STALL_NANOS)) {
        return now;
      }
      if (now.delivered() != last) {
        last = now.delivered();
        stillSince = System.nanoTime();
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  private static Deliveries collect(List<ClientProcess> clients) throws Exception {
    long delivered = 0;
    Histogram latency = new Histogram(3_600_000_000L, 3);
    for (ClientProcess client : clients) {
      String[] stats = client.ask("stats").split(" ", -1);
      delivered += Long.parseLong(stats[1]);
      latency.add(
          Histogram.decodeFromCompressedByteBuffer(
              ByteBuffer.wrap(Base64.getDecoder().decode(stats[4])), 0));
    }
    return new Deliveries(delivered, latency);
  }
}
