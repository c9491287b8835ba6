package io.herald.job.lanes;

/** The Comet call a delivery makes: the {@code call} tag of Job's fan-out metrics. */
public enum CallKind {
  /** {@code Comet.PushMsg}: unicast, by keys or mids. */
  PUSH("push"),
  /** {@code Comet.BroadcastRoom}: a batch of room messages. */
  ROOM("room"),
  /** {@code Comet.Broadcast}: everyone on the Comet. */
  BROADCAST("broadcast");

  final String tag;

  CallKind(String tag) {
    this.tag = tag;
  }
}
