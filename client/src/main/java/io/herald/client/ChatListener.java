package io.herald.client;

import io.herald.wire.chat.ChatMessage;
import io.herald.wire.chat.ChatReceipt;
import io.herald.wire.chat.Conversation;

/**
 * What the chat layer reports ({@link HeraldClient.Builder#chatListener}). Every method has an
 * empty default; callbacks run like {@link HeraldListener}'s (on the event loop unless the builder
 * names a callback executor) and must not block.
 */
public interface ChatListener {

  /**
   * A chat message of any conversation, the user's own sends from other devices included: from the
   * inbox (write fan-out: once each, in inbox order, by push or SYNC) or pulled from a read fan-out
   * group's history after a notice (once each, ascending by seq). Use {@link
   * ChatMessage#conversationFor(long)} with the user's id to place it.
   */
  default void onMessage(ChatMessage message) {}

  /**
   * Someone read a conversation: the peer of a one-to-one conversation (how far your messages were
   * read), or the user on another device ({@code reader} is the user).
   */
  default void onReceipt(ChatReceipt receipt) {}

  /** The local unread count of {@code conversation} changed ({@link Chat#unread}). */
  default void onUnread(Conversation conversation, int unread) {}
}
