package io.herald.im;

import java.util.List;

/**
 * A page of {@link ImStore#history}.
 *
 * @param messages ascending by seq
 * @param more whether more messages lie beyond the page in the direction asked (after the last one
 *     for an {@code afterSeq} query, before the first one otherwise)
 * @param lastSeq the conversation's last seq when the page was read (0 if it has no messages)
 */
public record HistoryPage(List<Message> messages, boolean more, long lastSeq) {
  public HistoryPage {
    messages = List.copyOf(messages);
  }
}
