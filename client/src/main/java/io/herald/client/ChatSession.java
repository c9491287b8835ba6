package io.herald.client;

import io.herald.wire.Op;
import io.herald.wire.chat.ChatHistory;
import io.herald.wire.chat.ChatKind;
import io.herald.wire.chat.ChatList;
import io.herald.wire.chat.ChatListReply;
import io.herald.wire.chat.ChatMessage;
import io.herald.wire.chat.ChatNotice;
import io.herald.wire.chat.ChatReceipt;
import io.herald.wire.chat.ChatStatus;
import io.herald.wire.chat.Conversation;
import io.herald.wire.chat.ConversationSummary;
import io.herald.wire.chat.FanoutMode;
import io.herald.wire.delivery.MalformedBodyException;
import io.netty.buffer.Unpooled;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of chat, confined to the event loop:
 *
 * <ul>
 *   <li>op 36 / 37 messages handed over by the delivery layer (op 26 or SYNC, deduplicated there)
 *       go to the {@link ChatListener}, and update the unread counts and the last seq known per
 *       conversation;
 *   <li>every conversation list reply (the application's and its own) sets the unread counts; a
 *       read fan-out group listed is joined (room {@code chat://<id>}) and pulled after the last
 *       seq known here (a group first seen in a list starts at its listed last seq: what came
 *       before is the application's to fetch with history);
 *   <li>op 38 notices: JOINED joins the room and pulls, NEW pulls when its seq is newer, REMOVED
 *       leaves the room; pulled messages reach the listener like the others, once each;
 *   <li>after every connect and after an inbox reset it lists all conversations again (bounded
 *       pages), which rejoins and pulls the read fan-out groups and corrects the unread counts.
 * </ul>
 */
final class ChatSession {
  private static final Logger log = LoggerFactory.getLogger(ChatSession.class);

  /** Conversations per page when the client lists for itself (the server's cap). */
  static final int LIST_PAGE = 100;

  /** Pages at most per listing of its own (the newest 2,000 conversations). */
  static final int LIST_PAGES = 20;

  /** The rooms the session joins and leaves. */
  interface Rooms {
    CompletableFuture<Void> join(String room);

    CompletableFuture<Void> leave(String room);
  }

  private final ChatRequests requests;
  private final Rooms rooms;
  private final ChatListener listener;
  private final Executor executor;
  private final UnreadCounts unread = new UnreadCounts();
  private final Map<Conversation, Integer> published = new ConcurrentHashMap<>();
  private final Map<Conversation, Long> known = new HashMap<>();
  private final Set<Long> readGroups = new LinkedHashSet<>();

  /** Pulls in flight, each with whether another must follow it. */
  private final Map<Conversation, Boolean> pulling = new HashMap<>();

  private long me;
  private boolean listing;
  private boolean listAgain;

  ChatSession(ChatRequests requests, Rooms rooms, ChatListener listener, Executor executor) {
    this.requests = requests;
    this.rooms = rooms;
    this.listener = listener;
    this.executor = executor;
  }

  /** Unread counts, readable from any thread. */
  Map<Conversation, Integer> unreadCounts() {
    return Map.copyOf(published);
  }

  int unread(Conversation conversation) {
    return published.getOrDefault(conversation, 0);
  }

  /** The read fan-out groups whose rooms the session holds. */
  Set<Long> readGroups() {
    return Set.copyOf(readGroups);
  }

  // ---- events from the client ----

  /** A connection authenticated as {@code mid}: list everything again. */
  void connected(long mid) {
    if (mid != me) {
      me = mid;
      known.clear();
      readGroups.forEach(id -> leave(id));
      readGroups.clear();
      published.keySet().forEach(c -> unread.forget(c));
      published.clear();
    }
    listAll();
  }

  /** The inbox was reset: counts and cursors may be off; list everything again. */
  void inboxReset() {
    listAll();
  }

  /** A chat op (36, 37, 38) the delivery layer handed over, or a plain frame of one. */
  void received(Message message) {
    try {
      switch (message.op()) {
        case Op.CHAT_MESSAGE ->
            message(ChatMessage.decode(Unpooled.wrappedBuffer(message.body())), false);
        case Op.CHAT_RECEIPT -> receipt(ChatReceipt.decode(Unpooled.wrappedBuffer(message.body())));
        case Op.CHAT_NOTICE -> notice(ChatNotice.decode(Unpooled.wrappedBuffer(message.body())));
        default -> log.debug("Not a chat op: {}", message);
      }
    } catch (MalformedBodyException e) {
      log.warn("Ignoring a bad {}: {}", Op.name(message.op()), e.getMessage());
    }
  }

  /** A conversation list reply (the application's or the session's own). */
  void listed(ChatListReply reply) {
    for (ConversationSummary summary : reply.conversations()) {
      Conversation conversation = summary.conversation();
      publish(conversation, unread.listed(summary));
      if (conversation.kind() != ChatKind.GROUP) {
        known.merge(conversation, summary.lastSeq(), Math::max);
      } else if (summary.mode() == FanoutMode.READ) {
        Long seen = known.get(conversation);
        if (readGroups.add(conversation.id())) {
          join(conversation.id());
        }
        if (seen == null) {
          known.put(conversation, summary.lastSeq());
        } else if (summary.lastSeq() > seen) {
          pull(conversation);
        }
      } else {
        known.merge(conversation, summary.lastSeq(), Math::max);
        if (readGroups.remove(conversation.id())) {
          leave(conversation.id()); // write fan-out again: its messages come by the inbox
        }
      }
    }
  }

  /** The user read {@code conversation} up to {@code seq} (a mark-read reply). */
  void read(Conversation conversation, long seq) {
    publish(conversation, unread.read(conversation, seq));
  }

  // ---- what arrives ----

  private void message(ChatMessage message, boolean pulled) {
    Conversation conversation = message.conversationFor(me);
    Long seen = known.get(conversation);
    if (pulled && seen != null && message.seq() <= seen) {
      return; // had it already (by the inbox before the group went read fan-out, or a pull)
    }
    known.put(conversation, seen == null ? message.seq() : Math.max(seen, message.seq()));
    publish(conversation, unread.message(conversation, message.seq(), message.from() == me));
    call(() -> listener.onMessage(message));
  }

  private void receipt(ChatReceipt receipt) {
    if (receipt.reader() == me) {
      read(receipt.conversationFor(me), receipt.readSeq());
    }
    call(() -> listener.onReceipt(receipt));
  }

  private void notice(ChatNotice notice) {
    Conversation group = notice.conversation();
    if (group.kind() != ChatKind.GROUP) {
      log.debug("Ignoring a notice of a user conversation: {}", notice);
      return;
    }
    switch (notice.event()) {
      case JOINED -> {
        if (readGroups.add(group.id())) {
          join(group.id());
        }
        pull(group);
      }
      case NEW -> {
        Long seen = known.get(group);
        if (seen == null || notice.seq() > seen) {
          pull(group);
        }
      }
      case REMOVED -> removed(group);
    }
  }

  private void removed(Conversation group) {
    if (readGroups.remove(group.id())) {
      leave(group.id());
    }
    known.remove(group);
    unread.forget(group);
    publish(group, 0);
    published.remove(group);
  }

  // ---- pulls and lists ----

  /** Fetches {@code group}'s messages after the last seq known here; one pull at a time each. */
  private void pull(Conversation group) {
    if (pulling.containsKey(group)) {
      pulling.put(group, true);
      return;
    }
    pulling.put(group, false);
    long after = known.getOrDefault(group, 0L);
    var unused =
        requests
            .history(new ChatHistory(group, after, 0, 0))
            .whenComplete(
                (reply, error) -> {
                  boolean again = Boolean.TRUE.equals(pulling.remove(group));
                  if (error != null) {
                    pullFailed(group, error);
                    return;
                  }
                  reply.messages().forEach(m -> message(m, true));
                  // after 0 pages back from the newest: "more" is about older messages then.
                  boolean progressed = known.getOrDefault(group, 0L) > after;
                  if (again || (after > 0 && reply.more() && progressed)) {
                    pull(group);
                  }
                });
  }

  private void pullFailed(Conversation group, Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof ChatException chat
        && (chat.status() == ChatStatus.NOT_MEMBER || chat.status() == ChatStatus.NOT_FOUND)) {
      log.info("No longer in {} ({}): leaving its room", group, chat.status());
      removed(group);
    } else {
      log.info(
          "Could not pull {}: {} (the next notice or connect pulls again)",
          group,
          cause.toString());
    }
  }

  /** Lists every conversation (newest first, bounded); once at a time, again if asked meanwhile. */
  private void listAll() {
    if (listing) {
      listAgain = true;
      return;
    }
    listing = true;
    listAgain = false;
    listPage(0, 1);
  }

  private void listPage(long before, int page) {
    var unused =
        requests
            .list(new ChatList(before, LIST_PAGE))
            .whenComplete(
                (reply, error) -> {
                  if (error != null) {
                    log.info("Could not list conversations: {}", unwrap(error).toString());
                    listDone();
                    return;
                  }
                  listed(reply);
                  long next =
                      reply.conversations().isEmpty()
                          ? 0
                          : reply
                              .conversations()
                              .get(reply.conversations().size() - 1)
                              .updatedUnixMs();
                  if (reply.more() && next > 0 && page < LIST_PAGES && !listAgain) {
                    listPage(next, page + 1);
                  } else {
                    listDone();
                  }
                });
  }

  private void listDone() {
    listing = false;
    if (listAgain) {
      listAll();
    }
  }

  // ---- helpers ----

  private void join(long groupId) {
    room(rooms.join(ChatNotice.room(groupId)), "join", groupId);
  }

  private void leave(long groupId) {
    room(rooms.leave(ChatNotice.room(groupId)), "leave", groupId);
  }

  private static void room(CompletableFuture<Void> done, String what, long groupId) {
    var unused =
        done.whenComplete(
            (ok, error) -> {
              if (error != null) {
                log.info("Could not {} room of group {}: {}", what, groupId, error.toString());
              }
            });
  }

  private void publish(Conversation conversation, int count) {
    Integer before = published.put(conversation, count);
    if (before == null ? count != 0 : before != count) {
      call(() -> listener.onUnread(conversation, count));
    }
  }

  private void call(Runnable call) {
    executor.execute(
        () -> {
          try {
            call.run();
          } catch (RuntimeException e) {
            log.warn("Chat listener failed", e);
          }
        });
  }

  static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }
}
