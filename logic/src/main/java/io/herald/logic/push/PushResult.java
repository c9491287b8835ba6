package io.herald.logic.push;

import java.util.List;

/**
 * What a push that was queued answers.
 *
 * @param messageId the id every record of the push carries
 * @param offlineKeys requested device keys with no session; nothing was queued for them
 * @param offlineMids requested users with no session; nothing was queued for them
 */
public record PushResult(long messageId, List<String> offlineKeys, List<Long> offlineMids) {
  public PushResult {
    offlineKeys = List.copyOf(offlineKeys);
    offlineMids = List.copyOf(offlineMids);
  }

  static PushResult of(long messageId) {
    return new PushResult(messageId, List.of(), List.of());
  }
}
