package io.herald.job.dispatch;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Ends records when the Comet calls made for them have ended. */
final class RecordCompletion {
  private RecordCompletion() {}

  /**
   * Completes {@code records} once every call has ended: normally if none ended {@link
   * Outcome#STOPPED} (delivered, or given up by policy), else with {@link
   * DispatcherStoppedException} (to be delivered again). For a unicast record, a call that ended
   * undelivered counts the record as undeliverable, once.
   */
  static void whenAll(
      List<CompletableFuture<Outcome>> calls,
      List<CompletableFuture<Void>> records,
      boolean unicast,
      DispatchMetrics metrics) {
    var unused =
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
            .thenRun(
                () -> {
                  Outcome worst = Outcome.OK;
                  for (CompletableFuture<Outcome> call : calls) {
                    Outcome outcome = call.join();
                    if (outcome == Outcome.STOPPED) {
                      worst = outcome;
                      break;
                    }
                    if (outcome != Outcome.OK && worst == Outcome.OK) {
                      worst = outcome;
                    }
                  }
                  if (worst == Outcome.STOPPED) {
                    records.forEach(
                        r ->
                            r.completeExceptionally(
                                new DispatcherStoppedException("stopped before delivery")));
                    return;
                  }
                  if (unicast) {
                    metrics.undeliverable(worst);
                  }
                  records.forEach(r -> r.complete(null));
                });
  }
}
