package io.herald.job.lanes;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** How one Comet call ended: the {@code result} tag of {@code herald.job.fanout}. */
public enum Outcome {
  /** The Comet answered OK. */
  OK("ok"),
  /** The Comet refused the request for what it is (e.g. INVALID_ARGUMENT); not retried. */
  REJECTED("rejected"),
  /** The Comet is not (or no longer) in the registry: its connections are gone. */
  GONE("gone"),
  /** The Comet kept failing for {@code delivery.giveUpAfter}. */
  GAVE_UP("gave_up"),
  /** Every record the call was for was abandoned (its partition went to another Job). */
  ABANDONED("abandoned"),
  /** Job stopped before the call succeeded; its records are not completed, so they are replayed. */
  STOPPED("stopped");

  final String tag;

  Outcome(String tag) {
    this.tag = tag;
  }

  /**
   * Completes, once every call has ended, with how the calls ended together: {@link #STOPPED} if
   * any did, else the first that was not {@link #OK}, else {@link #OK}.
   */
  public static CompletableFuture<Outcome> worst(List<CompletableFuture<Outcome>> calls) {
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .thenApply(
            unused -> {
              Outcome worst = OK;
              for (CompletableFuture<Outcome> call : calls) {
                Outcome outcome = call.join();
                if (outcome == STOPPED) {
                  return outcome;
                }
                if (outcome != OK && worst == OK) {
                  worst = outcome;
                }
              }
              return worst;
            });
  }
}
