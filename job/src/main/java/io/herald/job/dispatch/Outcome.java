package io.herald.job.dispatch;

/** How one Comet call ended: the {@code result} tag of {@code herald.job.fanout}. */
enum Outcome {
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
}
