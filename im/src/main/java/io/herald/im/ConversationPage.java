package io.herald.im;

import java.util.List;

/**
 * A page of {@link ImStore#conversations}.
 *
 * @param conversations newest first (by updated time, then key)
 * @param more whether older conversations remain: ask again with the last one's {@code updatedMs}
 */
public record ConversationPage(List<ConversationView> conversations, boolean more) {
  public ConversationPage {
    conversations = List.copyOf(conversations);
  }
}
