package io.herald.comet.transport;

import static io.herald.comet.transport.TransportFixture.read;
import static io.herald.comet.transport.TransportFixture.readBytes;
import static io.herald.comet.transport.TransportFixture.send;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.herald.comet.session.Connection;
import io.herald.proto.logic.v1.HeartbeatResponse;
import io.herald.proto.logic.v1.JoinRoomsResponse;
import io.herald.proto.logic.v1.ReceiveRequest;
import io.herald.proto.logic.v1.ReceiveResponse;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.chat.ChatError;
import io.herald.wire.chat.ChatSend;
import io.herald.wire.chat.ChatSendReply;
import io.herald.wire.chat.ChatStatus;
import io.herald.wire.chat.Conversation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectionHandlerTest {
  private final TransportFixture fixture = new TransportFixture();

  @Test
  void heartbeatIsAnsweredWithTheRoomsOnlineCountAndTheSameSeq() {
    fixture.logic.onConnect =
        request -> CompletableFuture.completedFuture(FakeLogic.accepted(7, "k", "live://1000"));
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);
    fixture.buckets.room("live://1000").onlineCount(12);

    send(channel, ProtocolVersion.V1, Op.HEARTBEAT, 2, "");

    // docs/protocol.md, heartbeat-reply-v1: op 3, seq 2, body int32 12.
    assertThat(ByteBufUtil.hexDump(readBytes(channel)))
        .isEqualTo("00000014001000010000000300000002" + "0000000c");
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void version2HeartbeatIsAnsweredInVersion2() {
    fixture.logic.onConnect =
        request -> CompletableFuture.completedFuture(FakeLogic.accepted(7, "k", "live://1000"));
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);
    fixture.buckets.room("live://1000").onlineCount(12);

    send(channel, ProtocolVersion.V2, Op.HEARTBEAT, 2, "");

    // docs/protocol.md, heartbeat-reply-v2.
    assertThat(ByteBufUtil.hexDump(readBytes(channel)))
        .isEqualTo("00000018001400020000000300000002" + "1e103949" + "0000000c");
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void heartbeatOfAConnectionInNoRoomCountsZero() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);

    send(channel, ProtocolVersion.V1, Op.HEARTBEAT, 5, "");

    WireFrame reply = read(channel);
    assertThat(reply.op()).isEqualTo(Op.HEARTBEAT_REPLY);
    assertThat(reply.seq()).isEqualTo(5);
    assertThat(reply.bodyInt()).isZero();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void silencePastTheDeadlineClosesAndRemovesTheSession() {
    // Logic's interval 60 s x maxMissed 2 = 120 s.
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);
    Connection connection = TransportFixture.connection(channel);

    advance(channel, 100);
    send(channel, ProtocolVersion.V1, Op.HEARTBEAT, 2, "");
    read(channel);
    advance(channel, 119); // 219 s since AUTH, 119 s since the heartbeat
    assertThat(channel.isOpen()).isTrue();
    advance(channel, 1);

    assertThat(channel.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.heartbeat.timeouts")).isEqualTo(1);
    assertThat(fixture.buckets.get(connection.key())).isNull();
    assertThat(fixture.logic.disconnects)
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.getKey()).isEqualTo("key-1");
              assertThat(request.getMid()).isEqualTo(7);
              assertThat(request.getServerId()).isEqualTo("comet-test");
              assertThat(request.getServerEpoch()).isEqualTo(42);
            });
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void sessionIsRenewedInLogicAtMostOncePerSessionRenewal() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);
    long renewal = TransportFixture.SESSION_RENEWAL.toSeconds();

    for (long second = 60; second < renewal; second += 60) {
      advance(channel, 60);
      heartbeat(channel);
    }
    assertThat(fixture.logic.heartbeats).isEmpty();
    advance(channel, renewal % 60 == 0 ? 60 : renewal % 60);
    heartbeat(channel);
    heartbeat(channel);
    heartbeat(channel);
    assertThat(fixture.logic.heartbeats)
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.getKey()).isEqualTo("key-1");
              assertThat(request.getPlatform()).isEqualTo("web");
              assertThat(request.getServerEpoch()).isEqualTo(42);
            });
    for (long second = 0; second < renewal; second += 60) {
      advance(channel, 60);
      heartbeat(channel);
    }
    assertThat(fixture.logic.heartbeats).hasSize(2);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void subAndUnsubChangeTheAcceptedOpsAndEchoTheBody() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);
    Connection connection = TransportFixture.connection(channel);
    connection.unsubscribe(1000, 1001); // accepts everything but these

    send(channel, ProtocolVersion.V1, Op.SUB, 4, "1000, 1001");
    WireFrame sub = read(channel);
    assertThat(sub.op()).isEqualTo(Op.SUB_REPLY);
    assertThat(sub.seq()).isEqualTo(4);
    assertThat(sub.text()).isEqualTo("1000, 1001");
    assertThat(connection.accepts(1000)).isTrue();

    send(channel, ProtocolVersion.V1, Op.UNSUB, 5, "1001");
    WireFrame unsub = read(channel);
    assertThat(unsub.op()).isEqualTo(Op.UNSUB_REPLY);
    assertThat(unsub.text()).isEqualTo("1001");
    assertThat(connection.accepts(1001)).isFalse();
    assertThat(connection.accepts(1000)).isTrue();

    send(channel, ProtocolVersion.V1, Op.SUB, 6, "1000,abc");
    assertThat(read(channel)).isNull();
    assertThat(channel.isOpen()).isTrue();
    assertThat(fixture.count("herald.comet.requests.invalid", "reason", "bad_op_list"))
        .isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void changeJoinAndLeaveMoveTheConnectionBetweenRooms() {
    fixture.logic.onConnect =
        request -> CompletableFuture.completedFuture(FakeLogic.accepted(7, "k", "live://1"));
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);
    Connection connection = TransportFixture.connection(channel);

    send(channel, ProtocolVersion.V1, Op.CHANGE_ROOM, 1, "live://2");
    assertReply(channel, Op.CHANGE_ROOM_REPLY, 1, "live://2");
    assertThat(connection.rooms()).containsExactly("live://2");
    assertThat(fixture.buckets.room("live://1")).isNull();
    assertThat(fixture.buckets.room("live://2").size()).isEqualTo(1);

    send(channel, ProtocolVersion.V1, Op.JOIN_ROOM, 2, "chat://9");
    assertReply(channel, Op.JOIN_ROOM_REPLY, 2, "chat://9");
    assertThat(connection.rooms()).containsExactlyInAnyOrder("live://2", "chat://9");
    assertThat(fixture.buckets.room("chat://9").size()).isEqualTo(1);

    send(channel, ProtocolVersion.V1, Op.LEAVE_ROOM, 3, "live://2");
    assertReply(channel, Op.LEAVE_ROOM_REPLY, 3, "live://2");
    assertThat(connection.rooms()).containsExactly("chat://9");
    assertThat(fixture.buckets.room("live://2")).isNull();

    send(channel, ProtocolVersion.V1, Op.CHANGE_ROOM, 4, "");
    assertReply(channel, Op.CHANGE_ROOM_REPLY, 4, "");
    assertThat(connection.rooms()).isEmpty();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aJoinIntoARoomWithNoMemberHereIsAnsweredOnceLogicIndexedItOnlyOnce() {
    CompletableFuture<JoinRoomsResponse> indexing = new CompletableFuture<>();
    fixture.logic.onJoin = request -> indexing;
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);
    EmbeddedChannel other = fixture.authenticated(ProtocolVersion.V2);

    send(channel, ProtocolVersion.V2, Op.JOIN_ROOM, 2, "chat://9");
    send(other, ProtocolVersion.V2, Op.JOIN_ROOM, 3, "chat://9");

    assertThat(TransportFixture.connection(channel).rooms()).containsExactly("chat://9");
    assertThat(read(channel)).as("no reply before Logic indexed the room").isNull();
    assertThat(read(other)).as("nor to a member joining meanwhile").isNull();
    assertThat(fixture.logic.joins)
        .singleElement()
        .satisfies(
            join -> {
              assertThat(join.getRoomsList()).containsExactly("chat://9");
              assertThat(join.getServerId()).isEqualTo("comet-test");
            });

    indexing.complete(JoinRoomsResponse.getDefaultInstance());
    channel.runPendingTasks();
    other.runPendingTasks();
    assertReply(channel, Op.JOIN_ROOM_REPLY, 2, "chat://9");
    assertReply(other, Op.JOIN_ROOM_REPLY, 3, "chat://9");
    send(channel, ProtocolVersion.V2, Op.JOIN_ROOM, 4, "chat://9");
    assertReply(channel, Op.JOIN_ROOM_REPLY, 4, "chat://9");
    assertThat(fixture.logic.joins).hasSize(1);
    assertThat(fixture.count("herald.comet.rooms.indexed", "result", "ok")).isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
    assertThat(other.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aJoinIsAnsweredEvenWhenLogicCannotIndexTheRoomAndTheNextJoinAsksAgain() {
    fixture.logic.onJoin =
        request -> CompletableFuture.failedFuture(new IllegalStateException("logic down"));
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);

    send(channel, ProtocolVersion.V1, Op.JOIN_ROOM, 2, "chat://9");
    channel.runPendingTasks();
    assertReply(channel, Op.JOIN_ROOM_REPLY, 2, "chat://9");
    send(channel, ProtocolVersion.V1, Op.CHANGE_ROOM, 3, "chat://9");
    channel.runPendingTasks();
    assertReply(channel, Op.CHANGE_ROOM_REPLY, 3, "chat://9");

    assertThat(fixture.logic.joins).hasSize(2);
    assertThat(fixture.count("herald.comet.rooms.indexed", "result", "error")).isEqualTo(2);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aRoomThatCameWithAuthIsIndexedAlready() {
    fixture.logic.onConnect =
        request -> CompletableFuture.completedFuture(FakeLogic.accepted(7, "k", "live://1"));
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);
    EmbeddedChannel second = fixture.authenticated(ProtocolVersion.V1);

    send(second, ProtocolVersion.V1, Op.JOIN_ROOM, 2, "live://1");

    assertReply(second, Op.JOIN_ROOM_REPLY, 2, "live://1");
    assertThat(fixture.logic.joins).isEmpty();
    assertThat(channel.finishAndReleaseAll()).isFalse();
    assertThat(second.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aRenewalThatFindsTheDevicesSessionTakenByANewerConnectionClosesThisOne() {
    fixture.logic.onHeartbeat =
        request ->
            CompletableFuture.completedFuture(
                HeartbeatResponse.newBuilder().setSuperseded(true).build());
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);

    List<WireFrame> received = new ArrayList<>();
    while (fixture.logic.heartbeats.isEmpty()) {
      advance(channel, 60);
      send(channel, ProtocolVersion.V2, Op.HEARTBEAT, 1, "");
      for (WireFrame frame; (frame = read(channel)) != null; ) {
        received.add(frame);
      }
    }

    assertThat(fixture.logic.heartbeats)
        .singleElement()
        .satisfies(request -> assertThat(request.getConnId()).isNotZero());
    assertThat(received)
        .filteredOn(frame -> frame.op() == Op.DISCONNECT_REPLY)
        .singleElement()
        .satisfies(notice -> assertThat(notice.text()).isEqualTo("replaced by a new connection"));
    assertThat(channel.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.sessions.superseded")).isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void badRoomIdsAreIgnoredAndCountedWithoutClosing() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);

    send(channel, ProtocolVersion.V1, Op.JOIN_ROOM, 1, "1000");
    send(channel, ProtocolVersion.V1, Op.CHANGE_ROOM, 2, "live://");
    send(channel, ProtocolVersion.V1, Op.LEAVE_ROOM, 3, "://1");
    send(channel, ProtocolVersion.V1, Op.JOIN_ROOM, 4, "live://a b");

    assertThat(read(channel)).isNull();
    assertThat(channel.isOpen()).isTrue();
    assertThat(TransportFixture.connection(channel).rooms()).isEmpty();
    assertThat(fixture.count("herald.comet.requests.invalid", "reason", "bad_room_id"))
        .isEqualTo(4);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void joiningPastTheRoomLimitIsRefused() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);
    for (int i = 0; i < ConnectionHandler.MAX_ROOMS; i++) {
      send(channel, ProtocolVersion.V1, Op.JOIN_ROOM, i, "live://" + i);
      assertThat(read(channel).op()).isEqualTo(Op.JOIN_ROOM_REPLY);
    }

    send(channel, ProtocolVersion.V1, Op.JOIN_ROOM, 99, "live://99");

    assertThat(read(channel)).isNull();
    assertThat(TransportFixture.connection(channel).rooms()).hasSize(ConnectionHandler.MAX_ROOMS);
    assertThat(fixture.count("herald.comet.requests.invalid", "reason", "room_limit")).isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void sendMsgGoesToLogicAndIsAnsweredWithOp5AndTheSameSeq() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);

    send(channel, ProtocolVersion.V2, Op.SEND_MSG, 77, "hello");

    WireFrame reply = read(channel);
    assertThat(reply.op()).isEqualTo(Op.SEND_MSG_REPLY);
    assertThat(reply.seq()).isEqualTo(77);
    assertThat(reply.version()).isEqualTo(ProtocolVersion.V2);
    ReceiveRequest request = fixture.logic.receives.get(0);
    assertThat(request.getOp()).isEqualTo(Op.SEND_MSG);
    assertThat(request.getSeq()).isEqualTo(77);
    assertThat(request.getBody().toStringUtf8()).isEqualTo("hello");
    assertThat(request.getMid()).isEqualTo(7);
    assertThat(request.getKey()).isEqualTo("key-1");
    assertThat(request.getServerId()).isEqualTo("comet-test");
    assertThat(fixture.count("herald.comet.upstream", "result", "ok")).isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void businessOpsGoToLogicAndItsReplyOpAndBodyComeBack() {
    fixture.logic.onReceive =
        request ->
            CompletableFuture.completedFuture(
                ReceiveResponse.newBuilder()
                    .setReplyOp(2001)
                    .setReplyBody(ByteString.copyFromUtf8("ok:" + request.getBody().toStringUtf8()))
                    .build());
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);

    send(channel, ProtocolVersion.V1, 2000, 8, "ping");

    WireFrame reply = read(channel);
    assertThat(reply.op()).isEqualTo(2001);
    assertThat(reply.seq()).isEqualTo(8);
    assertThat(reply.text()).isEqualTo("ok:ping");
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void replyOpZeroMeansNoReply() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);

    send(channel, ProtocolVersion.V1, 1000, 8, "x"); // the fake answers reply_op 0 to business ops

    assertThat(fixture.logic.receives).hasSize(1);
    assertThat(read(channel)).isNull();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aFailedReceiveIsCountedAndAnsweredWithNothingAndTheConnectionStays() {
    fixture.logic.onReceive =
        request -> CompletableFuture.failedFuture(new IllegalStateException("DEADLINE_EXCEEDED"));
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);

    send(channel, ProtocolVersion.V2, Op.SEND_MSG, 1, "hello");

    assertThat(read(channel)).isNull();
    assertThat(channel.isOpen()).isTrue();
    assertThat(fixture.count("herald.comet.upstream", "result", "error")).isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aVersion2ChatRequestGoesToLogicWithItsBodyAndTheReplyComesBackWithItsSeq() {
    fixture.logic.onReceive =
        request ->
            CompletableFuture.completedFuture(
                ReceiveResponse.newBuilder()
                    .setReplyOp(request.getOp() + 1)
                    .setReplyBody(
                        ByteString.copyFrom(
                            bytes(new ChatSendReply(9001, 4, 1_700_000_000_000L, false))))
                    .build());
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);
    ChatSend send = new ChatSend(Conversation.user(8), 55, 1, "hi".getBytes(UTF_8));

    sendBytes(channel, Op.CHAT_SEND, 12, bytes(send));

    ReceiveRequest request = fixture.logic.receives.get(0);
    assertThat(request.getOp()).isEqualTo(Op.CHAT_SEND);
    assertThat(request.getSeq()).isEqualTo(12);
    assertThat(request.getMid()).isEqualTo(7);
    assertThat(ChatSend.decode(Unpooled.wrappedBuffer(request.getBody().toByteArray())))
        .isEqualTo(send);
    WireFrame reply = read(channel);
    assertThat(reply.op()).isEqualTo(Op.CHAT_SEND_REPLY);
    assertThat(reply.seq()).isEqualTo(12);
    assertThat(reply.version()).isEqualTo(ProtocolVersion.V2);
    assertThat(ChatSendReply.decode(Unpooled.wrappedBuffer(reply.bytes())))
        .isEqualTo(new ChatSendReply(9001, 4, 1_700_000_000_000L, false));
    assertThat(fixture.count("herald.comet.chat.replies", "from", "logic")).isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void everyChatRequestOpIsForwardedAndAnsweredWithItsReplyOp() {
    fixture.logic.onReceive =
        request ->
            CompletableFuture.completedFuture(
                ReceiveResponse.newBuilder()
                    .setReplyOp(request.getOp() + 1)
                    .setReplyBody(ByteString.copyFrom(new byte[] {0, 0}))
                    .build());
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);

    int seq = 1;
    for (int op : new int[] {Op.CHAT_SEND, Op.CHAT_LIST, Op.CHAT_HISTORY, Op.CHAT_READ}) {
      sendBytes(channel, op, seq, new byte[] {1, 2, 3});
      WireFrame reply = read(channel);
      assertThat(reply.op()).isEqualTo(op + 1);
      assertThat(reply.seq()).isEqualTo(seq++);
    }
    assertThat(fixture.logic.receives)
        .extracting(ReceiveRequest::getOp)
        .containsExactly(Op.CHAT_SEND, Op.CHAT_LIST, Op.CHAT_HISTORY, Op.CHAT_READ);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aConnectionsChatSendsGoToLogicOneAtATimeInTheOrderSent() {
    List<CompletableFuture<ReceiveResponse>> answers = new CopyOnWriteArrayList<>();
    fixture.logic.onReceive =
        request -> {
          CompletableFuture<ReceiveResponse> answer = new CompletableFuture<>();
          answers.add(answer);
          return answer;
        };
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);

    for (int seq = 1; seq <= 3; seq++) {
      sendBytes(channel, Op.CHAT_SEND, seq, new byte[] {(byte) seq});
    }
    sendBytes(channel, Op.CHAT_LIST, 4, new byte[12]); // other requests do not wait
    assertThat(fixture.logic.receives)
        .extracting(ReceiveRequest::getSeq)
        .as("the first send, and the list; the other sends wait for the first's answer")
        .containsExactly(1, 4);

    for (int answered = 0; answered < 3; answered++) {
      answers.get(answered == 0 ? 0 : answered + 1).complete(sendReply());
      channel.runPendingTasks();
      WireFrame reply = read(channel);
      assertThat(reply.op()).isEqualTo(Op.CHAT_SEND_REPLY);
      assertThat(reply.seq()).isEqualTo(answered + 1);
    }
    assertThat(fixture.logic.receives)
        .filteredOn(r -> r.getOp() == Op.CHAT_SEND)
        .extracting(ReceiveRequest::getSeq)
        .containsExactly(1, 2, 3);
    answers.get(1).complete(ReceiveResponse.getDefaultInstance());
    channel.runPendingTasks();
    assertThat(channel.finishAndReleaseAll()).isTrue();
  }

  @Test
  void chatSendsPastTheWaitingBoundAreAnsweredRateLimited() {
    fixture.logic.onReceive = request -> new CompletableFuture<>(); // Logic never answers
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);

    for (int seq = 1; seq <= ChatSends.MAX_WAITING + 2; seq++) {
      sendBytes(channel, Op.CHAT_SEND, seq, new byte[] {1});
    }

    WireFrame reply = read(channel);
    assertThat(reply.op()).isEqualTo(Op.CHAT_SEND_REPLY);
    assertThat(reply.seq()).isEqualTo(ChatSends.MAX_WAITING + 2);
    assertThat(ChatError.peek(Unpooled.wrappedBuffer(reply.bytes())).status())
        .isEqualTo(ChatStatus.RATE_LIMITED);
    assertThat(read(channel)).isNull();
    assertThat(fixture.logic.receives).hasSize(1);
    assertThat(channel.isOpen()).isTrue();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  private static ReceiveResponse sendReply() {
    return ReceiveResponse.newBuilder()
        .setReplyOp(Op.CHAT_SEND_REPLY)
        .setReplyBody(ByteString.copyFrom(bytes(new ChatSendReply(1, 1, 1, false))))
        .build();
  }

  @Test
  void aVersion1ChatRequestIsAnUnsupportedOp() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);

    send(channel, ProtocolVersion.V1, Op.CHAT_SEND, 3, "x");
    send(channel, ProtocolVersion.V1, Op.CHAT_LIST, 4, "x");

    assertThat(read(channel)).isNull();
    assertThat(channel.isOpen()).isTrue();
    assertThat(fixture.logic.receives).isEmpty();
    assertThat(fixture.count("herald.comet.requests.invalid", "reason", "unsupported_op"))
        .isEqualTo(2);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aChatRequestLogicFailsIsAnsweredUnavailableWithTheSameSeq() {
    fixture.logic.onReceive =
        request -> CompletableFuture.failedFuture(new IllegalStateException("DEADLINE_EXCEEDED"));
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);

    sendBytes(channel, Op.CHAT_HISTORY, 21, new byte[29]);

    WireFrame reply = read(channel);
    assertThat(reply.op()).isEqualTo(Op.CHAT_HISTORY_REPLY);
    assertThat(reply.seq()).isEqualTo(21);
    assertThat(reply.version()).isEqualTo(ProtocolVersion.V2);
    ChatError error = ChatError.peek(Unpooled.wrappedBuffer(reply.bytes()));
    assertThat(error).isNotNull();
    assertThat(error.status()).isEqualTo(ChatStatus.UNAVAILABLE);
    assertThat(channel.isOpen()).isTrue();
    assertThat(fixture.count("herald.comet.upstream", "result", "error")).isEqualTo(1);
    assertThat(fixture.count("herald.comet.chat.replies", "from", "comet")).isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aChatRequestLogicDoesNotServeIsAnsweredUnavailable() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);

    sendBytes(channel, Op.CHAT_READ, 5, new byte[17]); // the fake answers reply_op 0

    WireFrame reply = read(channel);
    assertThat(reply.op()).isEqualTo(Op.CHAT_READ_REPLY);
    assertThat(reply.seq()).isEqualTo(5);
    assertThat(ChatError.peek(Unpooled.wrappedBuffer(reply.bytes())).status())
        .isEqualTo(ChatStatus.UNAVAILABLE);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void unknownAndServerOnlyOpsAreIgnoredAndCounted() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);

    send(channel, ProtocolVersion.V1, 999, 1, "from a newer client");
    send(channel, ProtocolVersion.V1, Op.AUTH_REPLY, 2, "");
    send(channel, ProtocolVersion.V1, Op.AUTH, 3, TransportFixture.AUTH_JSON);

    assertThat(read(channel)).isNull();
    assertThat(channel.isOpen()).isTrue();
    assertThat(fixture.logic.connects).hasSize(1);
    assertThat(fixture.count("herald.comet.requests.invalid", "reason", "unsupported_op"))
        .isEqualTo(3);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void closingRemovesTheConnectionFromBucketsAndItsSessionFromLogic() {
    fixture.logic.onConnect =
        request -> CompletableFuture.completedFuture(FakeLogic.accepted(7, "key-1", "live://1"));
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);

    assertThat(channel.close().isDone()).isTrue();

    assertThat(fixture.buckets.get("key-1")).isNull();
    assertThat(fixture.buckets.room("live://1")).isNull();
    assertThat(fixture.logic.disconnects)
        .singleElement()
        .satisfies(
            request ->
                assertThat(request.getConnId())
                    .isEqualTo(fixture.logic.connects.get(0).getConnId())
                    .isNotZero());
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  private static void sendBytes(EmbeddedChannel channel, int op, int seq, byte[] body) {
    channel.writeInbound(TransportFixture.encode(ProtocolVersion.V2, op, seq, body));
  }

  private static byte[] bytes(ChatSend send) {
    return bytes(send.encode(UnpooledByteBufAllocator.DEFAULT));
  }

  private static byte[] bytes(ChatSendReply reply) {
    return bytes(reply.encode(UnpooledByteBufAllocator.DEFAULT));
  }

  private static byte[] bytes(ByteBuf encoded) {
    try {
      return ByteBufUtil.getBytes(encoded);
    } finally {
      encoded.release();
    }
  }

  private static void heartbeat(EmbeddedChannel channel) {
    send(channel, ProtocolVersion.V1, Op.HEARTBEAT, 1, "");
    assertThat(read(channel).op()).isEqualTo(Op.HEARTBEAT_REPLY);
  }

  private static void advance(EmbeddedChannel channel, long seconds) {
    channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
    channel.runPendingTasks();
  }

  private static void assertReply(EmbeddedChannel channel, int op, int seq, String body) {
    WireFrame reply = read(channel);
    assertThat(reply.op()).isEqualTo(op);
    assertThat(reply.seq()).isEqualTo(seq);
    assertThat(reply.text()).isEqualTo(body);
  }
}
