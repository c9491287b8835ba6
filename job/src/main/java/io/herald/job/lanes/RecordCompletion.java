package io.herald.job.lanes;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Ends records when the Comet calls made for them have ended. */
public final class RecordCompletion {
  private RecordCompletion() {}

  /** {@link #complete} with the {@link Outcome#worst worst} of {@code calls}, counting nothing. */
  public static void whenAll(
      List<CompletableFuture<Outcome>> calls, List<CompletableFuture<Void>> records) {
    complete(records, Outcome.worst(calls), outcome -> {});
  }

  /**
   * Completes {@code records} once {@code outcome} is known: with {@link
   * DispatcherStoppedException} if it is {@link Outcome#STOPPED} (to be delivered again), else
   * normally (delivered, or given up by policy), after handing the outcome to {@code ended} (which
   * counts what was not delivered).
   */
  public static void complete(
      List<CompletableFuture<Void>> records,
      CompletableFuture<Outcome> outcome,
      Consumer<Outcome> ended) {
    var unused =
        outcome.thenAccept(
            worst -> {
              if (worst == Outcome.STOPPED) {
                records.forEach(
                    r ->
                        r.completeExceptionally(
                            new DispatcherStoppedException("stopped before delivery")));
                return;
              }
              ended.accept(worst);
              records.forEach(r -> r.complete(null));
            });
  }
}
