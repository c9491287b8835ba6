package io.herald.logic.im;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.herald.im.Appended;
import io.herald.im.ConvKey;
import io.herald.im.ConversationPage;
import io.herald.im.ConversationView;
import io.herald.im.Group;
import io.herald.im.ImStore;
import io.herald.im.Membership;
import io.herald.im.Message;
import io.herald.im.NewMessage;
import io.herald.im.ReadState;
import io.herald.logic.ids.MessageIds;
import io.herald.wire.chat.ChatHistoryReply;
import io.herald.wire.chat.ChatKind;
import io.herald.wire.chat.ChatListReply;
import io.herald.wire.chat.ChatMessage;
import io.herald.wire.chat.ChatReceipt;
import io.herald.wire.chat.ChatStatus;
import io.herald.wire.chat.Conversation;
import io.herald.wire.chat.ConversationSummary;
import io.herald.wire.chat.FanoutMode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The IM service Logic hosts: sends, conversation lists, history and read cursors (the chat ops of
 * clients, and the backend's sends). Group administration is {@link ImGroups}.
 *
 * <p><b>A send</b>: checks it (kind, not to oneself, content at most {@code maxMessageBytes}), then
 * for a client the per-user rate ({@link SendRate}) and, one-to-one, the policy webhook ({@link
 * PolicyCheck}); for a group, that the group exists and the sender is a member. It takes a message
 * id, appends the message ({@link ImStore#append}: the conversation's next seq, idempotent on the
 * sender's client message id) on the store's own threads ({@link StoreCalls}), and fans it out
 * ({@link FanoutRule}): one-to-one and small groups into every member's inbox, the sender's
 * included (op 36, stored and acked, under the chat message's id), large groups as a NEW notice to
 * room {@code chat://<id>} (best effort: the message is stored, members pull it).
 *
 * <p><b>Delivery guarantee.</b> A send that answers OK is in the database and, by write fan-out, in
 * every member's inbox. If the fan-out failed after the append, the send answers UNAVAILABLE; the
 * client retries with the same client message id, the store answers the stored message ({@code
 * duplicate}), and the fan-out runs again — under the same message id, so a copy that did reach an
 * inbox the first time is dropped by the clients. A duplicate this process has already fanned out
 * (the usual retry after a lost reply) is not fanned out again.
 */
public final class ImService {
  /** How long this process remembers a message it fanned out, and how many. */
  private static final Duration FANNED_OUT_TTL = Duration.ofMinutes(10);

  private static final long FANNED_OUT_MAX = 100_000;

  private final ImStore store;
  private final StoreCalls calls;
  private final ChatFanout fanout;
  private final FanoutRule rule;
  private final MessageIds ids;
  private final ImConfig config;
  private final SendRate rate;
  private final PolicyCheck policy;
  private final Clock clock;
  private final ImMetrics metrics;
  private final Cache<Long, Boolean> fannedOut =
      Caffeine.newBuilder().expireAfterWrite(FANNED_OUT_TTL).maximumSize(FANNED_OUT_MAX).build();

  ImService(
      ImStore store,
      StoreCalls calls,
      ChatFanout fanout,
      MessageIds ids,
      ImConfig config,
      SendRate rate,
      PolicyCheck policy,
      Clock clock,
      ImMetrics metrics) {
    this.store = store;
    this.calls = calls;
    this.fanout = fanout;
    this.rule = new FanoutRule(config.writeFanoutMaxMembers());
    this.ids = ids;
    this.config = config;
    this.rate = rate;
    this.policy = policy;
    this.clock = clock;
    this.metrics = metrics;
  }

  /**
   * A message to send.
   *
   * @param from the sender; 0 = the system (backends only)
   * @param to the recipient's mid (user) or the group id (group)
   * @param clientMsgId the sender's idempotency key, not 0 (ignored for the system)
   * @param client whether a client sent it over its connection: then the rate limit and the policy
   *     apply; backends are trusted
   */
  @SuppressWarnings("ArrayRecordComponent") // handed through to the store, never compared
  public record Send(
      long from,
      ChatKind kind,
      long to,
      long clientMsgId,
      int contentType,
      byte[] content,
      boolean client) {}

  /** Sends; fails with a {@link ChatException} naming the status. */
  public CompletableFuture<Appended> send(Send send) {
    long started = System.nanoTime();
    CompletableFuture<Appended> sent;
    try {
      sent = admit(send).thenCompose(ignored -> store(send)).thenCompose(this::fanOut);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.handle(
        (appended, e) -> {
          if (e == null) {
            metrics.send(appended.duplicate() ? "duplicate" : "ok", System.nanoTime() - started);
            return appended;
          }
          ChatException failure = ChatFailures.of(e);
          if (ChatFailures.isStore(e)) {
            metrics.storeError("send");
          }
          metrics.send(ImMetrics.tag(failure.status()), System.nanoTime() - started);
          throw failure;
        });
  }

  /** The checks before the store: the request's own, the rate, the policy. */
  private CompletableFuture<Void> admit(Send send) {
    if (send.from() < 0 || (send.client() && send.from() == 0)) {
      throw ChatException.badRequest(
          "from: " + send.from() + " (expected: a user id > 0; anonymous connections cannot chat)");
    }
    if (send.to() <= 0) {
      throw ChatException.badRequest(
          "to: " + send.to() + " (expected: a " + noun(send.kind()) + " id > 0)");
    }
    if (send.kind() == ChatKind.USER && send.to() == send.from()) {
      throw ChatException.badRequest("to: " + send.to() + " is the sender (no message to oneself)");
    }
    if (send.from() != 0 && send.clientMsgId() == 0) {
      throw ChatException.badRequest("client_msg_id: 0 (expected: the sender's id, not 0)");
    }
    if (send.content().length > config.maxMessageBytes()) {
      throw new ChatException(
          ChatStatus.TOO_LARGE,
          "content: "
              + send.content().length
              + " bytes (expected: at most "
              + config.maxMessageBytes()
              + ")");
    }
    if (!send.client()) {
      return CompletableFuture.completedFuture(null);
    }
    long wait = rate.tryTake(send.from());
    if (wait > 0) {
      throw new ChatException(
          ChatStatus.RATE_LIMITED,
          "over "
              + rate.perSecond()
              + " sends per second; retry in "
              + Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait))
              + " ms");
    }
    if (policy != null && send.kind() == ChatKind.USER) {
      return policy.check(send.from(), send.to());
    }
    return CompletableFuture.completedFuture(null);
  }

  /** What the store holds after the send, and to whom it goes. */
  private record Stored(Appended appended, FanoutMode mode, long[] members) {}

  private CompletableFuture<Stored> store(Send send) {
    return calls.run(
        () -> {
          ConvKey conv;
          FanoutMode mode = FanoutMode.WRITE;
          if (send.kind() == ChatKind.GROUP) {
            Group group = requireGroup(send.to());
            if (send.from() != 0) {
              requireMember(send.to(), send.from());
            }
            mode = rule.mode(group.memberCount());
            conv = ConvKey.group(send.to());
          } else {
            conv = ConvKey.user(send.from(), send.to());
          }
          long id = ids.next();
          Appended appended =
              store.append(
                  new NewMessage(
                      conv,
                      id,
                      send.from(),
                      send.from() == 0 ? id : send.clientMsgId(),
                      send.contentType(),
                      send.content(),
                      clock.millis()));
          // A duplicate is the stored message, whose conversation is the first send's: it goes to
          // that conversation's members, whatever this (client's mistaken) retry names.
          ConvKey stored = appended.message().conv();
          if (appended.duplicate() && !stored.equals(conv)) {
            mode =
                stored.isGroup()
                    ? rule.mode(requireGroup(stored.groupId()).memberCount())
                    : FanoutMode.WRITE;
          }
          long[] members;
          if (stored.isGroup()) {
            members = mode == FanoutMode.WRITE ? store.members(stored.groupId()) : new long[0];
          } else {
            members =
                stored.lo() == 0 ? new long[] {stored.hi()} : new long[] {stored.lo(), stored.hi()};
          }
          return new Stored(appended, mode, members);
        });
  }

  private CompletableFuture<Appended> fanOut(Stored stored) {
    Message message = stored.appended().message();
    if (stored.appended().duplicate() && fannedOut.getIfPresent(message.id()) != null) {
      metrics.fanout("skipped");
      return CompletableFuture.completedFuture(stored.appended());
    }
    if (stored.mode() == FanoutMode.READ) {
      metrics.fanout("read");
      fannedOut.put(message.id(), Boolean.TRUE);
      // Best effort: the message is stored; members pull it on their next list or history.
      return fanout
          .roomNotice(message.conv().groupId(), message.seq())
          .handle(
              (ok, e) -> {
                if (e != null) {
                  metrics.fanoutFailed("read");
                }
                return stored.appended();
              });
    }
    metrics.fanout("write");
    List<Long> mids = new ArrayList<>(stored.members().length);
    for (long mid : stored.members()) {
      mids.add(mid);
    }
    return fanout
        .message(message, mids)
        .handle(
            (ok, e) -> {
              if (e != null) {
                metrics.fanoutFailed("write");
                throw ChatFailures.of(e);
              }
              fannedOut.put(message.id(), Boolean.TRUE);
              return stored.appended();
            });
  }

  /** A page of {@code mid}'s conversations, newest first. */
  public CompletableFuture<ChatListReply> list(long mid, long beforeUnixMs, int limit) {
    return ChatFailures.counted(
        metrics,
        "list",
        () -> {
          requireUser(mid);
          if (beforeUnixMs < 0) {
            throw ChatException.badRequest(
                "before_unix_ms: " + beforeUnixMs + " (expected: 0 for the newest, or > 0)");
          }
          int pageSize = config.listLimit(limit);
          return calls.read(
              () -> {
                ConversationPage page =
                    store.conversations(mid, beforeUnixMs, pageSize, config.unreadCap());
                List<ConversationSummary> summaries = new ArrayList<>();
                for (ConversationView view : page.conversations()) {
                  summaries.add(summary(view));
                }
                return new ChatListReply(page.more(), summaries);
              });
        });
  }

  private ConversationSummary summary(ConversationView view) {
    boolean group = view.conv().isGroup();
    return new ConversationSummary(
        group ? Conversation.group(view.id()) : Conversation.user(view.id()),
        group ? rule.mode(view.memberCount()) : FanoutMode.WRITE,
        view.lastSeq(),
        view.readSeq(),
        view.unread(),
        view.updatedMs(),
        view.lastMessage() == null ? null : ChatFanout.record(view.lastMessage()));
  }

  /** A page of a conversation's history, ascending; a group member's only after joining. */
  public CompletableFuture<ChatHistoryReply> history(
      long mid, Conversation conversation, long afterSeq, long beforeSeq, int limit) {
    return ChatFailures.counted(
        metrics,
        "history",
        () -> {
          requireUser(mid);
          if (afterSeq < 0 || beforeSeq < 0) {
            throw ChatException.badRequest(
                "after_seq: " + afterSeq + ", before_seq: " + beforeSeq + " (expected: both >= 0)");
          }
          int pageSize = config.historyLimit(limit);
          ConvKey conv = key(mid, conversation);
          return calls.read(
              () -> {
                long joinedSeq =
                    conv.isGroup() ? requireMember(conv.groupId(), mid).joinedSeq() : 0;
                var page = store.history(conv, afterSeq, beforeSeq, joinedSeq, pageSize);
                List<ChatMessage> messages = new ArrayList<>(page.messages().size());
                page.messages().forEach(message -> messages.add(ChatFanout.record(message)));
                return new ChatHistoryReply(page.more(), page.lastSeq(), messages);
              });
        });
  }

  /**
   * Moves {@code mid}'s read cursor of a conversation; one-to-one, a receipt (op 37) goes to the
   * peer's inbox and the reader's own; in a group, to the reader's own.
   */
  public CompletableFuture<ReadState> read(long mid, Conversation conversation, long seq) {
    return ChatFailures.counted(
        metrics,
        "read",
        () -> {
          requireUser(mid);
          if (seq < 0) {
            throw ChatException.badRequest("seq: " + seq + " (expected: >= 0)");
          }
          ConvKey conv = key(mid, conversation);
          return calls
              .run(
                  () -> {
                    if (conv.isGroup()) {
                      requireMember(conv.groupId(), mid);
                    }
                    return store.markRead(mid, conv, seq, config.unreadCap());
                  })
              .thenCompose(
                  state -> {
                    Set<Long> readers = new LinkedHashSet<>();
                    readers.add(mid);
                    if (!conv.isGroup() && conversation.id() > 0) {
                      readers.add(conversation.id());
                    }
                    return fanout
                        .receipt(new ChatReceipt(mid, conversation, state.readSeq()), readers)
                        .thenApply(ignored -> state);
                  });
        });
  }

  /** The stored key of a conversation {@code mid} names; user 0 is the system's conversation. */
  private static ConvKey key(long mid, Conversation conversation) {
    if (conversation.kind() == ChatKind.GROUP) {
      if (conversation.id() <= 0) {
        throw ChatException.badRequest("id: " + conversation.id() + " (expected: a group id > 0)");
      }
      return ConvKey.group(conversation.id());
    }
    if (conversation.id() < 0 || conversation.id() == mid) {
      throw ChatException.badRequest(
          "id: "
              + conversation.id()
              + " (expected: another user's id, or 0 for the system's messages)");
    }
    return ConvKey.user(mid, conversation.id());
  }

  private static void requireUser(long mid) {
    if (mid <= 0) {
      throw ChatException.badRequest(
          "mid: " + mid + " (expected: a user id > 0; anonymous connections cannot chat)");
    }
  }

  /** The group; NOT_FOUND if there is none. Blocking: on the store's threads only. */
  Group requireGroup(long groupId) {
    Optional<Group> group = store.group(groupId);
    if (group.isEmpty()) {
      throw new ChatException(ChatStatus.NOT_FOUND, "group: no group " + groupId);
    }
    return group.get();
  }

  /** {@code mid}'s membership; NOT_FOUND or NOT_MEMBER. Blocking: on the store's threads only. */
  Membership requireMember(long groupId, long mid) {
    Optional<Membership> member = store.member(groupId, mid);
    if (member.isPresent()) {
      return member.get();
    }
    requireGroup(groupId);
    throw new ChatException(
        ChatStatus.NOT_MEMBER, "group: " + mid + " is not a member of group " + groupId);
  }

  private static String noun(ChatKind kind) {
    return kind == ChatKind.GROUP ? "group" : "user";
  }
}
