package io.herald.testkit.wire;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Predicate;

/**
 * Every frame a client received, in arrival order, and the op-9 batches they came in. A test reads
 * it two ways: the whole history ({@link #frames}), or frame by frame ({@link #await}, {@link
 * #collect}), where each frame is handed out once and frames skipped over stay for later.
 */
final class FrameLog {
  private final List<Received> frames = new ArrayList<>();
  private final BitSet taken = new BitSet();
  private final List<List<Received>> batches = new ArrayList<>();

  synchronized void add(Received frame) {
    frames.add(frame);
    notifyAll();
  }

  /** The frames of one op-9 frame: each goes to the history, and the batch to {@link #batches}. */
  synchronized void addBatch(List<Received> batch) {
    frames.addAll(batch);
    batches.add(List.copyOf(batch));
    notifyAll();
  }

  synchronized List<Received> frames() {
    return List.copyOf(frames);
  }

  synchronized List<List<Received>> batches() {
    return List.copyOf(batches);
  }

  /**
   * The first frame not handed out yet that matches {@code wanted}, waiting up to {@code timeout}.
   *
   * @throws AssertionError if none came, naming the frames that did
   */
  synchronized Received await(Predicate<Received> wanted, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (int i = taken.nextClearBit(0); i < frames.size(); i = taken.nextClearBit(i + 1)) {
        if (wanted.test(frames.get(i))) {
          taken.set(i);
          return frames.get(i);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no " + what + " within " + timeout + "; received " + frames);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Every frame not handed out yet that matches {@code wanted} by the end of {@code window}. */
  synchronized List<Received> collect(Predicate<Received> wanted, Duration window)
      throws InterruptedException {
    long deadline = System.nanoTime() + window.toNanos();
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      wait(Math.max(1, left / 1_000_000));
    }
    List<Received> out = new ArrayList<>();
    for (int i = taken.nextClearBit(0); i < frames.size(); i = taken.nextClearBit(i + 1)) {
      if (wanted.test(frames.get(i))) {
        taken.set(i);
        out.add(frames.get(i));
      }
    }
    return out;
  }
}
