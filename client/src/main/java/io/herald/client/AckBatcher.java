package io.herald.client;

import io.herald.wire.delivery.AckBody;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The client's op-18 ACKs, batched: message ids of deliveries that asked for an ack, and the newest
 * inbox position the application was handed. A batch is sent {@link #DELAY} after its first entry,
 * or at once when it holds {@link #MAX_IDS} ids. Ids belong to the connection they came on (the
 * Comet that resends them keeps them per connection) and are dropped with it; a position not yet
 * acked is sent on the next connection. Confined to the event loop.
 */
final class AckBatcher {
  static final Duration DELAY = Duration.ofMillis(20);
  static final int MAX_IDS = 64;

  private final ClientScheduler timers;
  private final long[] ids = new long[MAX_IDS];
  private int count;
  private InboxPosition position;
  private InboxPosition acked;
  private Consumer<AckBody> sink;
  private ClientScheduler.Cancellable timer;

  /**
   * @param timers timers whose tasks run on the event loop
   */
  AckBatcher(ClientScheduler timers) {
    this.timers = timers;
  }

  /** Sends to {@code sink} from now on (a new connection); a position not yet acked goes soon. */
  void attach(Consumer<AckBody> sink) {
    this.sink = sink;
    if (position != null && !position.equals(acked)) {
      schedule();
    }
  }

  /** The connection is gone: its ids are dropped, the position waits for the next one. */
  void detach() {
    sink = null;
    count = 0;
    cancel();
  }

  /** Acks delivery {@code id}. */
  void id(long id) {
    if (sink == null) {
      return;
    }
    ids[count++] = id;
    if (count == MAX_IDS) {
      flush();
    } else {
      schedule();
    }
  }

  /** Acks {@code position}, the newest the application holds (replaces an older one). */
  void position(InboxPosition position) {
    this.position = position;
    if (sink != null) {
      schedule();
    }
  }

  /** Sends what is batched now. */
  void flush() {
    cancel();
    if (sink == null) {
      return;
    }
    boolean moved = position != null && !position.equals(acked);
    if (count == 0 && !moved) {
      return;
    }
    long[] batch = Arrays.copyOf(ids, count);
    count = 0;
    AckBody body =
        moved ? new AckBody(position.epoch(), position.seq(), batch) : AckBody.ofIds(batch);
    if (moved) {
      acked = position;
    }
    sink.accept(body);
  }

  private void schedule() {
    if (timer == null) {
      timer =
          timers.schedule(
              () -> {
                timer = null;
                flush();
              },
              DELAY);
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }
}
