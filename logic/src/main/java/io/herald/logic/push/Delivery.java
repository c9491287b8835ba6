package io.herald.logic.push;

/**
 * What a key or mid push asks of delivery (docs/delivery.md).
 *
 * @param requireAck acked: the Comet keeps the frame until the client acks it, resending it
 * @param store stored: the message is in each target user's inbox before the push answers
 * @param notice {@code notify} with {@code store}: connected version 2 clients get an inbox notice
 *     (op 27) instead of the body
 * @throws InvalidPushException for {@code notice} without {@code store}
 */
public record Delivery(boolean requireAck, boolean store, boolean notice) {
  /** Connected clients at that moment; nothing kept, nothing acked. */
  public static final Delivery BEST_EFFORT = new Delivery(false, false, false);

  public Delivery {
    if (notice && !store) {
      throw new InvalidPushException("notify: true needs store: true");
    }
  }

  /** Acked, not stored. */
  public static Delivery acked() {
    return new Delivery(true, false, false);
  }
}
