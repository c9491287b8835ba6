package io.herald.registry;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Where a registry component is in its life: new, started, or stopped for good. */
enum Lifecycle {
  NEW,
  STARTED,
  STOPPED;

  /** Why a write for {@code serverId} is refused in this state, or {@code null} if it may go. */
  RuntimeException refuseWrite(String serverId) {
    if (serverId == null || serverId.isBlank()) {
      return new IllegalArgumentException("server_id: empty (expected: a value)");
    }
    return switch (this) {
      case STARTED -> null;
      case NEW -> new IllegalStateException("registry not started");
      case STOPPED -> new IllegalStateException("registry stopped");
    };
  }

  /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ... */
  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
