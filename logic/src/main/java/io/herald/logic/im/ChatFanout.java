package io.herald.logic.im;

import com.google.protobuf.ByteString;
import io.herald.im.Message;
import io.herald.logic.Failures;
import io.herald.logic.push.Delivery;
import io.herald.logic.push.PushService;
import io.herald.wire.Op;
import io.herald.wire.chat.ChatKind;
import io.herald.wire.chat.ChatMessage;
import io.herald.wire.chat.ChatNotice;
import io.herald.wire.chat.ChatReceipt;
import io.herald.wire.chat.Conversation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IM layer's pushes, through Logic's push path ({@link PushService}):
 *
 * <ul>
 *   <li>a message by write fan-out: a stored, acked mids push of op 36 whose body is the message
 *       record and whose message id is the chat message's, to every member (the sender included);
 *   <li>a receipt (op 37): the same way, to the users concerned;
 *   <li>a notice (op 38): best effort, to room {@code chat://<id>} (NEW, read fan-out) or to users
 *       (JOINED, REMOVED).
 * </ul>
 *
 * Pushes to more users than one push may name ({@code push.api.maxTargets}) go as several pushes.
 */
final class ChatFanout {
  private static final Logger log = LoggerFactory.getLogger(ChatFanout.class);

  /** Stored in each inbox, and acked by connected devices. */
  static final Delivery STORED = new Delivery(true, true, false);

  private final PushService pushes;
  private final int maxTargets;

  ChatFanout(PushService pushes, int maxTargets) {
    this.pushes = pushes;
    this.maxTargets = maxTargets;
  }

  /** The wire's message record of a stored message. */
  static ChatMessage record(Message message) {
    return new ChatMessage(
        message.id(),
        message.conv().isGroup() ? ChatKind.GROUP : ChatKind.USER,
        message.to(),
        message.sender(),
        message.seq(),
        message.sentMs(),
        message.clientMsgId(),
        message.contentType(),
        message.content());
  }

  /** Appends op 36 to each of {@code mids}' inboxes; fails if any append or publish failed. */
  CompletableFuture<Void> message(Message message, Collection<Long> mids) {
    ByteString body = bytes(alloc -> record(message).encode(alloc));
    return inChunks(
        mids, chunk -> pushes.servicePushMids(Op.CHAT_MESSAGE, chunk, body, STORED, message.id()));
  }

  /** Appends op 37 to each of {@code mids}' inboxes. */
  CompletableFuture<Void> receipt(ChatReceipt receipt, Collection<Long> mids) {
    ByteString body = bytes(receipt::encode);
    return inChunks(mids, chunk -> pushes.servicePushMids(Op.CHAT_RECEIPT, chunk, body, STORED, 0));
  }

  /** A NEW notice to room {@code chat://<groupId>}, best effort; fails if it was not queued. */
  CompletableFuture<Void> roomNotice(long groupId, long seq) {
    ByteString body =
        bytes(new ChatNotice(Conversation.group(groupId), seq, ChatNotice.Event.NEW)::encode);
    String room = ChatNotice.room(groupId);
    int split = room.indexOf("://");
    return pushes
        .servicePushRoom(Op.CHAT_NOTICE, room.substring(0, split), room.substring(split + 3), body)
        .thenApply(result -> null);
  }

  /**
   * A JOINED or REMOVED notice to each of {@code mids}' connected devices, best effort: a failure
   * is logged, never reported (the membership changed all the same; a client learns it on its next
   * list).
   */
  CompletableFuture<Void> userNotice(
      long groupId, long seq, ChatNotice.Event event, Collection<Long> mids) {
    if (mids.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    ByteString body = bytes(new ChatNotice(Conversation.group(groupId), seq, event)::encode);
    return inChunks(
            mids,
            chunk -> pushes.servicePushMids(Op.CHAT_NOTICE, chunk, body, Delivery.BEST_EFFORT, 0))
        .exceptionally(
            e -> {
              log.debug(
                  "{} notice of group {} to {} users not queued: {}",
                  event,
                  groupId,
                  mids.size(),
                  Failures.reason(e));
              return null;
            });
  }

  private CompletableFuture<Void> inChunks(
      Collection<Long> mids, Function<List<Long>, CompletableFuture<?>> push) {
    List<Long> all = List.copyOf(mids);
    List<CompletableFuture<?>> sent = new ArrayList<>();
    for (int from = 0; from < all.size(); from += maxTargets) {
      List<Long> chunk = all.subList(from, Math.min(all.size(), from + maxTargets));
      CompletableFuture<?> one;
      try {
        one = push.apply(chunk);
      } catch (RuntimeException e) {
        one = CompletableFuture.failedFuture(e);
      }
      sent.add(one);
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
  }

  private static ByteString bytes(Function<ByteBufAllocator, ByteBuf> encode) {
    return ChatRequests.bytes(encode);
  }
}
