package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.wire.Frame;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.RawBatch;
import io.herald.wire.codec.RawBatchSplitter;
import io.herald.wire.delivery.InboxNotice;
import io.herald.wire.delivery.MessageEnvelope;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One connection's frame handling against an EmbeddedChannel, with time driven by the test. */
class ServerConnectionTest {
  private static final ProtocolVersion V2 = ProtocolVersion.V2;

  private final ManualScheduler time = new ManualScheduler();
  private final AdaptiveHeartbeat adaptive = new AdaptiveHeartbeat(HeartbeatPolicy.DEFAULT);
  private final List<Message> messages = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private ServerConnection handler;
  private EmbeddedChannel channel;

  @BeforeEach
  void connect() {
    handler =
        new ServerConnection(
            V2,
            utf8("{\"mid\":1}"),
            false,
            adaptive,
            time,
            Duration.ofSeconds(5),
            new ServerConnection.Events() {
              @Override
              public void message(ServerConnection connection, Message message) {
                messages.add(message);
              }

              @Override
              public void envelope(
                  ServerConnection connection, MessageEnvelope head, Message message) {
                messages.add(message);
                events.add("envelope " + head);
              }

              @Override
              public void inboxNotice(ServerConnection connection, InboxNotice notice) {
                events.add("notice " + notice);
              }

              @Override
              public void heartbeat(ServerConnection connection, int onlineCount) {
                events.add("online " + onlineCount);
              }

              @Override
              public void reconnect(ServerConnection connection, FrameBodies.Reconnect request) {
                events.add("reconnect " + request.reason() + " " + request.nodes());
              }

              @Override
              public void disconnectNotice(ServerConnection connection, String reason) {
                events.add("disconnect " + reason);
              }

              @Override
              public void closed(ServerConnection connection) {
                events.add("closed");
              }
            });
    channel = new EmbeddedChannel(new RawBatchSplitter(new FrameLimits(65536)), handler);
  }

  @AfterEach
  void noLeaks() {
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  /** Why {@code future}, already done, failed; {@code null} if it did not. */
  private static Throwable failure(CompletableFuture<?> future) {
    assertThat(future).isDone();
    return future.handle((value, error) -> error).join();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Frame frame(int op, int seq, String body) {
    return new Frame(V2, op, seq, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
  }

  private Frame written() {
    return channel.readOutbound();
  }

  /** Reads the AUTH the handler sent on connect and answers it. */
  private void authenticate() {
    Frame auth = written();
    assertThat(auth.op()).isEqualTo(Op.AUTH);
    auth.release();
    channel.writeInbound(frame(Op.AUTH_REPLY, auth.seq(), "{\"mid\":1,\"key\":\"k1\"}"));
    assertThat(handler.authenticated()).isCompletedWithValue(new FrameBodies.Reply(1L, "k1", 0));
  }

  @Test
  void sendsAuthInItsVersionAsSoonAsTheTcpConnectionIsUp() {
    Frame auth = written();
    assertThat(auth.version()).isEqualTo(V2);
    assertThat(auth.op()).isEqualTo(Op.AUTH);
    assertThat(auth.body().toString(StandardCharsets.UTF_8)).isEqualTo("{\"mid\":1}");
    auth.release();
    assertThat(handler.active()).as("not before AUTH_REPLY").isFalse();
    channel.writeInbound(frame(1000, 0, "too early"));
    assertThat(messages).isEmpty();
  }

  @Test
  void anOp9BatchArrivesAsItsFramesInOrder() {
    authenticate();
    List<Frame> inner =
        List.of(frame(1000, 0, "one"), frame(1001, 0, "two"), frame(1000, 0, "three"));
    Frame batch = RawBatch.frame(ByteBufAllocator.DEFAULT, V2, inner);
    inner.forEach(Frame::release);
    channel.writeInbound(batch);
    assertThat(messages).extracting(Message::text).containsExactly("one", "two", "three");
    assertThat(messages).extracting(Message::op).containsExactly(1000, 1001, 1000);
  }

  @Test
  void anOp26MessageIsUnwrappedToItsBusinessOpAndBody() {
    authenticate();
    MessageEnvelope head = new MessageEnvelope(42, 7, 3, 1001, true);
    var body = Unpooled.copiedBuffer("inner", StandardCharsets.UTF_8);
    channel.writeInbound(head.frame(ByteBufAllocator.DEFAULT, V2, body));
    body.release();
    assertThat(messages).hasSize(1);
    Message message = messages.get(0);
    assertThat(message.op()).isEqualTo(1001);
    assertThat(message.text()).isEqualTo("inner");
    assertThat(message.messageId()).isEqualTo(42);
    assertThat(message.inboxEpoch()).isEqualTo(7);
    assertThat(message.inboxSeq()).isEqualTo(3);
    assertThat(events).containsExactly("envelope " + head);
  }

  @Test
  void anInboxNoticeIsReportedAndBadDeliveryBodiesAreIgnored() {
    authenticate();
    channel.writeInbound(
        new Frame(V2, Op.INBOX_NOTICE, 0, new InboxNotice(7, 9).encode(ByteBufAllocator.DEFAULT)));
    channel.writeInbound(frame(Op.INBOX_NOTICE, 0, "short"));
    channel.writeInbound(frame(Op.MESSAGE, 0, "short"));
    assertThat(events).containsExactly("notice " + new InboxNotice(7, 9));
    assertThat(messages).isEmpty();
    assertThat(channel.isActive()).as("the connection stays").isTrue();
  }

  @Test
  void aReplyCompletesTheRequestWithItsSeqAndNoOther() {
    authenticate();
    CompletableFuture<Message> first = handler.request(Op.SEND_MSG, utf8("a"), Op.SEND_MSG_REPLY);
    CompletableFuture<Message> second = handler.request(Op.SEND_MSG, utf8("b"), Op.SEND_MSG_REPLY);
    Frame a = written();
    Frame b = written();
    assertThat(a.seq()).isNotEqualTo(b.seq());

    channel.writeInbound(frame(Op.SEND_MSG_REPLY, b.seq(), ""));
    assertThat(second).isCompleted();
    assertThat(second.join().seq()).isEqualTo(b.seq());
    assertThat(first).isNotDone();
    channel.writeInbound(frame(Op.JOIN_ROOM_REPLY, a.seq(), "wrong op, same seq"));
    assertThat(first).as("a reply of another op does not answer it").isNotDone();
    channel.writeInbound(frame(Op.SEND_MSG_REPLY, a.seq(), ""));
    assertThat(first).isCompleted();
    assertThat(messages).as("replies are not pushes").isEmpty();
    a.release();
    b.release();
  }

  @Test
  void anUnansweredRequestTimesOutAndALateReplyIsDropped() {
    authenticate();
    CompletableFuture<Message> reply = handler.request(Op.SEND_MSG, utf8("a"), Op.SEND_MSG_REPLY);
    Frame sent = written();
    time.advance(Duration.ofSeconds(4));
    assertThat(reply).isNotDone();
    time.advance(Duration.ofSeconds(1));
    assertThat(reply).isCompletedExceptionally();
    assertThat(failure(reply)).isInstanceOf(TimeoutException.class);
    channel.writeInbound(frame(Op.SEND_MSG_REPLY, sent.seq(), ""));
    assertThat(messages).isEmpty();
    sent.release();
  }

  @Test
  void closingFailsWaitingRequests() {
    authenticate();
    CompletableFuture<Message> reply = handler.request(4, utf8("a"), 5);
    written().release();
    var unused = channel.close();
    assertThat(failure(reply)).isInstanceOf(HeraldClientException.ConnectionLost.class);
    assertThat(events).containsExactly("closed");
    assertThat(failure(handler.request(4, utf8("b"), 5)))
        .isInstanceOf(HeraldClientException.NotConnected.class);
  }

  @Test
  void heartbeatsAdaptAndAMissedReplyGivesTheConnectionUp() {
    authenticate();
    time.advance(Duration.ofSeconds(59));
    Object nothing = channel.readOutbound();
    assertThat(nothing).isNull();
    time.advance(Duration.ofSeconds(1));
    Frame beat = written();
    assertThat(beat.op()).isEqualTo(Op.HEARTBEAT);
    Frame reply = new Frame(V2, Op.HEARTBEAT_REPLY, beat.seq(), Unpooled.buffer(4).writeInt(12));
    channel.writeInbound(reply);
    assertThat(events).containsExactly("online 12");
    assertThat(adaptive.current()).isEqualTo(Duration.ofSeconds(90));
    beat.release();

    time.advance(Duration.ofSeconds(90));
    beat = written();
    assertThat(beat.op()).isEqualTo(Op.HEARTBEAT);
    beat.release();
    time.advance(Duration.ofSeconds(10)); // the reply timeout passes unanswered
    assertThat(channel.isOpen()).isFalse();
    assertThat(handler.heartbeatMissed()).isTrue();
    assertThat(handler.closeReason()).isEqualTo("heartbeat reply missed");
    assertThat(adaptive.current()).isEqualTo(Duration.ofSeconds(60));
    assertThat(adaptive.settled()).isTrue();
    assertThat(time.pending()).as("no timer left behind").isZero();
  }

  @Test
  void reconnectAndDisconnectNoticesAreReported() {
    authenticate();
    channel.writeInbound(
        frame(Op.RECONNECT, 0, "{\"reason\":\"draining\",\"nodes\":[\"10.0.0.2:3101\"]}"));
    channel.writeInbound(frame(Op.DISCONNECT_REPLY, 0, "replaced by a new connection"));
    assertThat(events)
        .containsExactly(
            "reconnect draining [10.0.0.2:3101]", "disconnect replaced by a new connection");
    assertThat(handler.closeReason()).isEqualTo("replaced by a new connection");
    assertThat(messages).isEmpty();
  }

  @Test
  void aRejectedAuthFailsTheAttemptWithTheServersReason() {
    written().release();
    channel.writeInbound(frame(Op.DISCONNECT_REPLY, 0, "token: missing"));
    var unused = channel.close();
    assertThat(failure(handler.authenticated()))
        .hasMessage("closed before AUTH_REPLY: token: missing");
  }
}
