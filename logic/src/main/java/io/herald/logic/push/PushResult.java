package io.herald.logic.push;

import java.util.List;

/**
 * What a push that was queued answers.
 *
 * @param messageId the id every record of the push carries
 * @param offlineKeys requested device keys with no session; nothing was queued for them
 * @param offlineMids requested users with no session; nothing was queued for them (with store, the
 *     message is in their inbox all the same)
 * @param stored with store: each target user's inbox position of the message
 */
public record PushResult(
    long messageId, List<String> offlineKeys, List<Long> offlineMids, List<Stored> stored) {
  public PushResult {
    offlineKeys = List.copyOf(offlineKeys);
    offlineMids = List.copyOf(offlineMids);
    stored = List.copyOf(stored);
  }

  public PushResult(long messageId, List<String> offlineKeys, List<Long> offlineMids) {
    this(messageId, offlineKeys, offlineMids, List.of());
  }

  static PushResult of(long messageId) {
    return new PushResult(messageId, List.of(), List.of());
  }

  /** Where a stored push sits in one user's inbox. */
  public record Stored(long mid, long epoch, long seq) {}
}
