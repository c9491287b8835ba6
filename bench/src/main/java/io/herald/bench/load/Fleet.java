package io.herald.bench.load;

/**
 * The connections of one client process, whatever server they subscribe to: opened at a pace,
 * counted as they connect and subscribe, and what they receive recorded in {@link DeliveryStats}.
 */
public interface Fleet extends AutoCloseable {
  /** Opens every connection at the configured pace; returns once all attempts are made. */
  void open();

  DeliveryStats stats();

  int connected();

  /** Connections ready to receive: authenticated (Herald) or subscribed (a peer). */
  int authenticated();

  /** When the latest connection became ready, in µs since the epoch (0 before the first). */
  long lastAuthenticatedMicros();

  int failed();

  int closed();

  @Override
  void close();
}
