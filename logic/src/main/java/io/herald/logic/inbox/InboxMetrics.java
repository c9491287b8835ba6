package io.herald.logic.inbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The inbox's meters: {@code herald.logic.inbox.appends}, {@code herald.logic.inbox.reads{result=
 * ok|reset}}, {@code herald.logic.inbox.failures{op=append|read|cursor}}, {@code
 * herald.logic.inbox.trimmed} (messages dropped by count or age) and {@code
 * herald.logic.inbox.cursors.moved}.
 */
public final class InboxMetrics {
  private final Counter appends;
  private final Counter readsOk;
  private final Counter readsReset;
  private final Counter appendFailures;
  private final Counter readFailures;
  private final Counter cursorFailures;
  private final Counter trimmed;
  private final Counter moved;

  public InboxMetrics(MeterRegistry meters) {
    appends =
        Counter.builder("herald.logic.inbox.appends")
            .description("Messages appended to users' inboxes")
            .register(meters);
    readsOk = reads(meters, "ok");
    readsReset = reads(meters, "reset");
    appendFailures = failures(meters, "append");
    readFailures = failures(meters, "read");
    cursorFailures = failures(meters, "cursor");
    trimmed =
        Counter.builder("herald.logic.inbox.trimmed")
            .description("Messages dropped from inboxes by inbox.maxCount or inbox.maxAge")
            .register(meters);
    moved =
        Counter.builder("herald.logic.inbox.cursors.moved")
            .description("Device cursors moved forward")
            .register(meters);
  }

  private static Counter reads(MeterRegistry meters, String result) {
    return Counter.builder("herald.logic.inbox.reads")
        .description("Inbox reads (SYNC and ReadInbox), by whether the reader had to reset")
        .tag("result", result)
        .register(meters);
  }

  private static Counter failures(MeterRegistry meters, String op) {
    return Counter.builder("herald.logic.inbox.failures")
        .description("Inbox calls that failed because the store did")
        .tag("op", op)
        .register(meters);
  }

  void appended() {
    appends.increment();
  }

  void read(InboxRead read) {
    (read.reset() ? readsReset : readsOk).increment();
  }

  void appendFailed() {
    appendFailures.increment();
  }

  void readFailed() {
    readFailures.increment();
  }

  void cursorFailed() {
    cursorFailures.increment();
  }

  void trimmed(long count) {
    if (count > 0) {
      trimmed.increment(count);
    }
  }

  void moved(int count) {
    if (count > 0) {
      moved.increment(count);
    }
  }
}
