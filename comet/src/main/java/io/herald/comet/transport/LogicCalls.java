package io.herald.comet.transport;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls to Logic from a pipeline: a call that throws instead of failing its future fails it. */
final class LogicCalls {
  private static final Logger log = LoggerFactory.getLogger(LogicCalls.class);

  private LogicCalls() {}

  /** The call's future; a failed future if the call itself threw. */
  static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Makes the call and forgets it; a failure is logged at DEBUG (Logic's TTLs clean up). */
  static void fireAndForget(String what, Supplier<? extends CompletableFuture<?>> call) {
    CompletableFuture<?> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      future = CompletableFuture.failedFuture(e);
    }
    var unused =
        future.whenComplete(
            (ignored, error) -> {
              if (error != null) {
                log.debug("Logic {} failed: {}", what, error.toString());
              }
            });
  }
}
