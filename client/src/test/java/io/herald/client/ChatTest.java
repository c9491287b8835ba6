package io.herald.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.wire.Op;
import io.herald.wire.chat.ChatError;
import io.herald.wire.chat.ChatHistory;
import io.herald.wire.chat.ChatHistoryReply;
import io.herald.wire.chat.ChatKind;
import io.herald.wire.chat.ChatListReply;
import io.herald.wire.chat.ChatMessage;
import io.herald.wire.chat.ChatNotice;
import io.herald.wire.chat.ChatReadReply;
import io.herald.wire.chat.ChatReceipt;
import io.herald.wire.chat.ChatSend;
import io.herald.wire.chat.ChatSendReply;
import io.herald.wire.chat.ChatStatus;
import io.herald.wire.chat.Conversation;
import io.herald.wire.chat.ConversationSummary;
import io.herald.wire.chat.FanoutMode;
import io.herald.wire.delivery.MessageEnvelope;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The chat API of the SDK against a {@link ScriptedComet} on a real loopback port that answers chat
 * requests as each test says: retries with the same client id, statuses, receiving through the
 * delivery layer, unread counts, and the read fan-out notices (join, pull, leave, rejoin).
 */
class ChatTest {
  private static final long ME = 77;
  private static final long PEER = 8;
  private static final long GROUP = 5000;
  private static final Conversation GROUP_CONV = Conversation.group(GROUP);
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ReconnectPolicy FAST =
      new ReconnectPolicy(
          Duration.ofMillis(20), 2.0, 0.0, Duration.ofMillis(100), 5, Duration.ofSeconds(30));
  private static final ChatRetryPolicy RETRY =
      new ChatRetryPolicy(8, Duration.ofMillis(20), 2.0, Duration.ofMillis(100));

  private final FakeInbox inbox = new FakeInbox(1_700_000_000_000L);
  private final ScriptedComet comet = new ScriptedComet(inbox);
  private final Events events = new Events();
  private final List<Message> plain = new CopyOnWriteArrayList<>();
  private HeraldClient client;

  /** What the chat layer reported. */
  static final class Events implements ChatListener {
    final List<ChatMessage> messages = new CopyOnWriteArrayList<>();
    final List<ChatReceipt> receipts = new CopyOnWriteArrayList<>();
    final Map<Conversation, Integer> unread = new ConcurrentHashMap<>();

    @Override
    public void onMessage(ChatMessage message) {
      messages.add(message);
    }

    @Override
    public void onReceipt(ChatReceipt receipt) {
      receipts.add(receipt);
    }

    @Override
    public void onUnread(Conversation conversation, int count) {
      unread.put(conversation, count);
    }

    List<Long> seqs() {
      return messages.stream().map(ChatMessage::seq).toList();
    }
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    comet.close();
  }

  private HeraldClient.Builder builder() {
    return HeraldClient.builder()
        .nodes(comet.address())
        .mid(ME)
        .reconnect(FAST)
        .chatRetry(RETRY)
        .requestTimeout(Duration.ofMillis(500))
        .listener(
            new HeraldListener() {
              @Override
              public void onMessage(Message message) {
                plain.add(message);
              }
            })
        .chatListener(events);
  }

  private void start(HeraldClient.Builder builder) throws Exception {
    client = builder.build();
    client.start().get(10, TimeUnit.SECONDS);
  }

  // ---- sending ----

  @Test
  void aSendIsRetriedWithTheSameClientIdAfterUnavailableAndALostConnection() throws Exception {
    AtomicInteger sends = new AtomicInteger();
    comet.onChat =
        request -> {
          if (request.op() == Op.CHAT_LIST) {
            return bytes(new ChatListReply(false, List.of()).encode(alloc()));
          }
          return switch (sends.incrementAndGet()) {
            case 1 -> bytes(new ChatError(ChatStatus.UNAVAILABLE, "db down").encode(alloc()));
            case 2 -> {
              comet.dropNow(); // no answer: the connection is lost
              yield null;
            }
            default -> bytes(new ChatSendReply(9001, 3, 1_700_000_000_123L, true).encode(alloc()));
          };
        };
    start(builder());

    ChatSendReply reply =
        client
            .chat()
            .send(Conversation.user(PEER), 1, "hi".getBytes(UTF_8))
            .get(10, TimeUnit.SECONDS);

    assertThat(reply).isEqualTo(new ChatSendReply(9001, 3, 1_700_000_000_123L, true));
    List<ChatSend> sent = sent();
    assertThat(sent).hasSizeGreaterThanOrEqualTo(3);
    assertThat(sent).extracting(ChatSend::clientMsgId).containsOnly(sent.get(0).clientMsgId());
    assertThat(sent.get(0).clientMsgId()).isNotZero();
    assertThat(sent.get(0).to()).isEqualTo(Conversation.user(PEER));
    assertThat(new String(sent.get(0).content(), UTF_8)).isEqualTo("hi");
    assertThat(comet.authenticated.get()).isEqualTo(2);
  }

  @Test
  void twoSendsTakeTwoClientIds() throws Exception {
    comet.onChat = request -> bytes(new ChatSendReply(1, 1, 1, false).encode(alloc()));
    start(builder().chatListener(new ChatListener() {}));

    client.chat().send(Conversation.user(PEER), 1, new byte[] {1}).get(10, TimeUnit.SECONDS);
    client.chat().send(Conversation.user(PEER), 1, new byte[] {1}).get(10, TimeUnit.SECONDS);

    assertThat(sent()).extracting(ChatSend::clientMsgId).doesNotHaveDuplicates();
  }

  @Test
  void aStatusThatRetryingCannotChangeFailsAtOnce() throws Exception {
    comet.onChat =
        request ->
            request.op() == Op.CHAT_SEND
                ? bytes(new ChatError(ChatStatus.NOT_MEMBER, "not in group 5000").encode(alloc()))
                : bytes(new ChatListReply(false, List.of()).encode(alloc()));
    start(builder());

    CompletableFuture<ChatSendReply> reply = client.chat().send(GROUP_CONV, 1, "x".getBytes(UTF_8));

    assertThat(failure(reply))
        .isInstanceOfSatisfying(
            ChatException.class,
            e -> {
              assertThat(e.status()).isEqualTo(ChatStatus.NOT_MEMBER);
              assertThat(e.getMessage()).isEqualTo("NOT_MEMBER: not in group 5000");
            });
    assertThat(sent()).hasSize(1);
  }

  @Test
  void retriesEndAfterTheLastAttemptWithUnavailable() throws Exception {
    comet.onChat =
        request ->
            request.op() == Op.CHAT_READ
                ? bytes(new ChatError(ChatStatus.RATE_LIMITED, "retry in 1 s").encode(alloc()))
                : bytes(new ChatListReply(false, List.of()).encode(alloc()));
    start(
        builder()
            .chatRetry(new ChatRetryPolicy(3, Duration.ofMillis(10), 1, Duration.ofMillis(10))));

    CompletableFuture<ChatReadReply> reply = client.chat().markRead(Conversation.user(PEER), 4);

    assertThat(failure(reply))
        .isInstanceOfSatisfying(
            ChatException.class,
            e -> {
              assertThat(e.status()).isEqualTo(ChatStatus.UNAVAILABLE);
              assertThat(e.getMessage()).contains("after 3 attempts", "RATE_LIMITED");
            });
    assertThat(comet.requests(Op.CHAT_READ)).hasSize(3);
  }

  @Test
  void aVersion1ClientIsToldChatNeedsVersion2() throws Exception {
    client =
        HeraldClient.builder()
            .nodes(comet.address())
            .protocolVersion(io.herald.wire.ProtocolVersion.V1)
            .build();

    assertThat(failure(client.chat().conversations(0, 0)))
        .isInstanceOfSatisfying(
            ChatException.class, e -> assertThat(e.status()).isEqualTo(ChatStatus.BAD_REQUEST));
  }

  // ---- receiving ----

  @Test
  void chatMessagesAndReceiptsGoToTheChatListenerAndKeepTheUnreadCounts() throws Exception {
    comet.onChat = request -> emptyListOr(request, null);
    start(builder().accepts(1000));
    assertThat(comet.auths.get(0)).contains("\"accepts\":[1000,36,37,38]");
    Conversation peer = Conversation.user(PEER);

    comet.push(
        new MessageEnvelope(701, 0, 0, Op.CHAT_MESSAGE, true), body(message(701, PEER, ME, 1)));
    comet.push(
        new MessageEnvelope(701, 0, 0, Op.CHAT_MESSAGE, true), body(message(701, PEER, ME, 1)));
    comet.push(
        new MessageEnvelope(702, 0, 0, Op.CHAT_MESSAGE, true), body(message(702, ME, PEER, 2)));
    comet.push(
        new MessageEnvelope(703, 0, 0, Op.CHAT_MESSAGE, true), body(message(703, PEER, ME, 3)));
    comet.pushPlain(1000, "business".getBytes(UTF_8));

    await().atMost(WAIT).until(() -> events.messages.size() == 3 && plain.size() == 1);
    assertThat(events.seqs()).containsExactly(1L, 2L, 3L);
    assertThat(plain).extracting(Message::op).containsExactly(1000);
    assertThat(client.chat().unread(peer)).isEqualTo(2);

    // Read on another device: the receipt names the user as reader and the peer as "to".
    comet.push(
        new MessageEnvelope(704, 0, 0, Op.CHAT_RECEIPT, true),
        bytes(new ChatReceipt(ME, peer, 3).encode(alloc())));
    await().atMost(WAIT).until(() -> events.receipts.size() == 1);
    assertThat(client.chat().unread(peer)).isZero();
    assertThat(events.unread).containsEntry(peer, 0);
    await().atMost(WAIT).until(() -> comet.ackedIds().containsAll(List.of(701L, 702L, 703L, 704L)));
  }

  @Test
  void aListOnConnectSetsCountsAndJoinsReadFanoutGroupsWhoseNoticesArePulled() throws Exception {
    ConversationSummary user =
        new ConversationSummary(Conversation.user(PEER), FanoutMode.WRITE, 9, 7, 2, 2L, null);
    ConversationSummary group =
        new ConversationSummary(GROUP_CONV, FanoutMode.READ, 5, 5, 0, 1L, null);
    comet.onChat =
        request ->
            switch (request.op()) {
              case Op.CHAT_LIST ->
                  bytes(new ChatListReply(false, List.of(user, group)).encode(alloc()));
              case Op.CHAT_HISTORY -> {
                ChatHistory asked = ChatHistory.decode(Unpooled.wrappedBuffer(request.body()));
                List<ChatMessage> page = new ArrayList<>();
                for (long seq = asked.afterSeq() + 1; seq <= 7; seq++) {
                  page.add(groupMessage(seq));
                }
                yield bytes(new ChatHistoryReply(false, 7, page).encode(alloc()));
              }
              default -> null;
            };
    start(builder());

    await().atMost(WAIT).until(() -> comet.requests(Op.JOIN_ROOM).size() == 1);
    assertThat(text(comet.requests(Op.JOIN_ROOM).get(0))).isEqualTo("chat://5000");
    assertThat(client.chat().unreadCounts())
        .containsEntry(Conversation.user(PEER), 2)
        .containsEntry(GROUP_CONV, 0);
    assertThat(client.chat().readFanoutGroups()).containsExactly(GROUP);
    assertThat(comet.requests(Op.CHAT_HISTORY)).as("nothing newer than listed").isEmpty();

    comet.pushPlain(
        Op.CHAT_NOTICE, bytes(new ChatNotice(GROUP_CONV, 7, ChatNotice.Event.NEW).encode(alloc())));
    await().atMost(WAIT).until(() -> events.messages.size() == 2);
    assertThat(events.seqs()).containsExactly(6L, 7L);
    assertThat(
            ChatHistory.decode(
                    Unpooled.wrappedBuffer(comet.requests(Op.CHAT_HISTORY).get(0).body()))
                .afterSeq())
        .isEqualTo(5);
    assertThat(client.chat().unread(GROUP_CONV)).isEqualTo(2);

    // A notice of what is had already pulls nothing.
    comet.pushPlain(
        Op.CHAT_NOTICE, bytes(new ChatNotice(GROUP_CONV, 7, ChatNotice.Event.NEW).encode(alloc())));
    // Reconnect: the room is joined again (the only room: named in AUTH), listed again.
    comet.drop();
    await().atMost(WAIT).until(() -> comet.requests(Op.CHAT_LIST).size() == 2);
    assertThat(comet.auths).hasSize(2);
    assertThat(comet.auths.get(1)).contains("\"room_id\":\"chat://5000\"");
    assertThat(comet.requests(Op.CHAT_HISTORY)).hasSize(1);
    assertThat(events.messages).hasSize(2);

    comet.pushPlain(
        Op.CHAT_NOTICE,
        bytes(new ChatNotice(GROUP_CONV, 7, ChatNotice.Event.REMOVED).encode(alloc())));
    await().atMost(WAIT).until(() -> comet.requests(Op.LEAVE_ROOM).size() == 1);
    assertThat(text(comet.requests(Op.LEAVE_ROOM).get(0))).isEqualTo("chat://5000");
    assertThat(client.rooms()).isEmpty();
    assertThat(client.chat().unreadCounts()).doesNotContainKey(GROUP_CONV);
  }

  @Test
  void joinedJoinsTheRoomAndPullsTheNewestPage() throws Exception {
    comet.onChat =
        request ->
            switch (request.op()) {
              case Op.CHAT_LIST -> bytes(new ChatListReply(false, List.of()).encode(alloc()));
              case Op.CHAT_HISTORY ->
                  bytes(
                      new ChatHistoryReply(false, 2, List.of(groupMessage(1), groupMessage(2)))
                          .encode(alloc()));
              default -> null;
            };
    start(builder());
    await().atMost(WAIT).until(() -> comet.requests(Op.CHAT_LIST).size() == 1);

    comet.pushPlain(
        Op.CHAT_NOTICE,
        bytes(new ChatNotice(GROUP_CONV, 2, ChatNotice.Event.JOINED).encode(alloc())));

    await().atMost(WAIT).until(() -> events.messages.size() == 2);
    assertThat(text(comet.requests(Op.JOIN_ROOM).get(0))).isEqualTo("chat://5000");
    ChatHistory asked =
        ChatHistory.decode(Unpooled.wrappedBuffer(comet.requests(Op.CHAT_HISTORY).get(0).body()));
    assertThat(asked).isEqualTo(new ChatHistory(GROUP_CONV, 0, 0, 0));
    assertThat(client.rooms()).containsExactly("chat://5000");
  }

  @Test
  void anInboxResetListsTheConversationsAgain() throws Exception {
    comet.onChat = request -> emptyListOr(request, null);
    start(builder());
    await().atMost(WAIT).until(() -> client.inboxPosition().isPresent());
    await().atMost(WAIT).until(() -> comet.requests(Op.CHAT_LIST).size() == 1);

    inbox.recreate(1_800_000_000_000L);
    inbox.append("after the reset");
    comet.notice(1_800_000_000_000L, 1);

    await().atMost(WAIT).until(() -> comet.requests(Op.CHAT_LIST).size() == 2);
    await().atMost(WAIT).until(() -> plain.size() == 1);
  }

  // ---- helpers ----

  private byte[] emptyListOr(ScriptedComet.Request request, byte[] otherwise) {
    return request.op() == Op.CHAT_LIST
        ? bytes(new ChatListReply(false, List.of()).encode(alloc()))
        : otherwise;
  }

  private List<ChatSend> sent() {
    return comet.requests(Op.CHAT_SEND).stream()
        .map(r -> ChatSend.decode(Unpooled.wrappedBuffer(r.body())))
        .toList();
  }

  private static ChatMessage message(long id, long from, long to, long seq) {
    return new ChatMessage(
        id, ChatKind.USER, to, from, seq, 1L, id, 1, ("m" + seq).getBytes(UTF_8));
  }

  private static ChatMessage groupMessage(long seq) {
    return new ChatMessage(8000 + seq, ChatKind.GROUP, GROUP, PEER, seq, 1L, seq, 1, new byte[0]);
  }

  private static byte[] body(ChatMessage message) {
    return bytes(message.encode(alloc()));
  }

  private static String text(ScriptedComet.Request request) {
    return new String(request.body(), UTF_8);
  }

  private static UnpooledByteBufAllocator alloc() {
    return UnpooledByteBufAllocator.DEFAULT;
  }

  private static byte[] bytes(ByteBuf buf) {
    try {
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  private static Throwable failure(CompletableFuture<?> future) throws Exception {
    try {
      future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("completed: " + future.join());
  }
}
