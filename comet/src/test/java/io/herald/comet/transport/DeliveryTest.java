package io.herald.comet.transport;

import static io.herald.comet.transport.TransportFixture.read;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.herald.comet.config.CometConfig;
import io.herald.comet.push.Delivery;
import io.herald.comet.push.Pusher;
import io.herald.proto.common.v1.InboxMessage;
import io.herald.proto.logic.v1.DeviceCursor;
import io.herald.proto.logic.v1.SyncResponse;
import io.herald.wire.Frame;
import io.herald.wire.FrameLimits;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.delivery.AckBody;
import io.herald.wire.delivery.InboxNotice;
import io.herald.wire.delivery.MessageEnvelope;
import io.herald.wire.delivery.SyncBody;
import io.herald.wire.delivery.SyncReply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Acked and stored deliveries, ACK and SYNC on one connection, with frozen time: op 26 to version
 * 2, plain frames to version 1, resends until acked, bounded attempts and window, release on close,
 * coalesced notices, batched cursors, SYNC replies.
 */
class DeliveryTest {
  private static final long EPOCH = 1_700_000_000_000L;

  private final TransportFixture fixture =
      new TransportFixture(
          new CometConfig.Delivery(
              4,
              Duration.ofMillis(50),
              new CometConfig.Ack(Duration.ofSeconds(2), Duration.ofSeconds(5), 3, 8),
              Duration.ofMillis(200),
              1024));
  private final Pusher pusher = new Pusher(fixture.buckets, fixture.meters, fixture.deliveries);

  private static Delivery acked(long id, String body) {
    return new Delivery(id, 1000, ByteString.copyFromUtf8(body), 0, 0, true, false);
  }

  private static Delivery stored(long id, long seq, boolean ack, boolean notify) {
    return new Delivery(id, 1000, ByteString.copyFromUtf8("m" + seq), EPOCH, seq, ack, notify);
  }

  private void push(EmbeddedChannel channel, Delivery delivery) {
    String key = TransportFixture.connection(channel).key();
    assertThat(pusher.pushKeys(List.of(key), delivery)).isEmpty();
  }

  private static void sendBody(
      EmbeddedChannel channel, ProtocolVersion version, int op, int seq, ByteBuf body) {
    try {
      channel.writeInbound(TransportFixture.encode(version, op, seq, ByteBufUtil.getBytes(body)));
    } finally {
      body.release();
    }
  }

  private static void ack(EmbeddedChannel channel, AckBody body) {
    sendBody(channel, ProtocolVersion.V2, Op.ACK, 0, body.encode(ByteBufAllocator.DEFAULT));
  }

  private static void advance(EmbeddedChannel channel, long millis) {
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runPendingTasks();
  }

  private static List<WireFrame> readAll(EmbeddedChannel channel) {
    List<WireFrame> frames = new ArrayList<>();
    for (WireFrame frame = read(channel); frame != null; frame = read(channel)) {
      frames.add(frame);
    }
    return frames;
  }

  private static MessageEnvelope envelope(WireFrame frame) {
    assertThat(frame.op()).isEqualTo(Op.MESSAGE);
    return MessageEnvelope.decode(Unpooled.wrappedBuffer(frame.bytes()));
  }

  private static String payload(WireFrame frame) {
    return MessageEnvelope.payload(Unpooled.wrappedBuffer(frame.bytes()))
        .toString(StandardCharsets.UTF_8);
  }

  private double count(String name, String... tags) {
    return fixture.count(name, tags);
  }

  private double gauge(String name) {
    return fixture.meters.get(name).gauge().value();
  }

  @Test
  void aVersion1ConnectionGetsPlainFramesForAckedAndStoredPushesAndNoResend() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);

    push(channel, acked(11, "hello"));
    push(channel, stored(12, 1, true, true));

    WireFrame first = read(channel);
    assertThat(first.op()).isEqualTo(1000);
    assertThat(first.version()).isEqualTo(ProtocolVersion.V1);
    assertThat(first.text()).isEqualTo("hello");
    assertThat(read(channel).text()).isEqualTo("m1");
    advance(channel, 60_000);
    assertThat(read(channel)).isNull();
    assertThat(fixture.deliveries.connections()).isZero();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aVersion2ConnectionGetsOp26WithIdSeqAndTheAckFlag() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);

    push(channel, stored(21, 3, true, false));
    push(channel, Delivery.bestEffort(1000, ByteString.copyFromUtf8("plain")));

    WireFrame message = read(channel);
    assertThat(envelope(message)).isEqualTo(new MessageEnvelope(21, EPOCH, 3, 1000, true));
    assertThat(payload(message)).isEqualTo("m3");
    WireFrame plain = read(channel);
    assertThat(plain.op()).isEqualTo(1000);
    assertThat(plain.text()).isEqualTo("plain");
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void anAckedMessageIsResentWithBackoffUntilAckedThenNeverAgain() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);

    push(channel, acked(31, "x"));
    assertThat(envelope(read(channel)).messageId()).isEqualTo(31);
    advance(channel, 1_999);
    assertThat(read(channel)).isNull();
    advance(channel, 1);
    assertThat(envelope(read(channel)).messageId()).as("resent after 2 s").isEqualTo(31);
    advance(channel, 3_999);
    assertThat(read(channel)).as("then after 4 s").isNull();
    ack(channel, AckBody.ofIds(31));
    advance(channel, 60_000);

    assertThat(read(channel)).isNull();
    assertThat(count("herald.comet.acks", "result", "acked")).isOne();
    assertThat(count("herald.comet.acks.resends")).isOne();
    assertThat(gauge("herald.comet.acks.pending")).isZero();
    assertThat(fixture.deliveries.connections()).as("state dropped when idle").isZero();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aNeverAckingClientGetsBoundedAttemptsAndWindowAndCloseReleasesTheRest() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);

    push(channel, acked(1, "a"));
    advance(channel, 2_000); // attempt 2
    advance(channel, 4_000); // attempt 3 (max)
    advance(channel, 5_000); // given up
    assertThat(readAll(channel)).hasSize(3);
    assertThat(count("herald.comet.acks", "result", "given_up_attempts")).isOne();
    assertThat(fixture.deliveries.connections()).isZero();

    for (long id = 100; id < 110; id++) {
      push(channel, acked(id, "w"));
    }
    assertThat(readAll(channel)).hasSize(10);
    assertThat(count("herald.comet.acks", "result", "given_up_window")).isEqualTo(2);
    assertThat(fixture.deliveries.pending()).isEqualTo(8);
    assertThat(gauge("herald.comet.acks.pending")).isEqualTo(8);

    channel.close();
    assertThat(count("herald.comet.acks", "result", "closed")).isEqualTo(8);
    assertThat(fixture.deliveries.pending()).isZero();
    assertThat(fixture.deliveries.connections()).isZero();
    advance(channel, 60_000);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void notifyPushesBecomeFewNoticesTheLastCarryingTheNewestSeq() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);

    for (long seq = 1; seq <= 100; seq++) {
      push(channel, stored(seq, seq, false, true));
    }
    advance(channel, 50);
    advance(channel, 50);
    List<WireFrame> notices = readAll(channel);

    assertThat(notices).hasSize(2).allSatisfy(f -> assertThat(f.op()).isEqualTo(Op.INBOX_NOTICE));
    assertThat(InboxNotice.decode(Unpooled.wrappedBuffer(notices.get(0).bytes())))
        .isEqualTo(new InboxNotice(EPOCH, 1));
    assertThat(InboxNotice.decode(Unpooled.wrappedBuffer(notices.get(1).bytes())))
        .isEqualTo(new InboxNotice(EPOCH, 100));
    assertThat(count("herald.comet.inbox.notices")).isEqualTo(2);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void storedMessagesPastTheUnackedThresholdBecomeANoticeUntilTheClientAcksTheirSeq() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);

    for (long seq = 1; seq <= 6; seq++) {
      push(channel, stored(seq, seq, false, false));
    }
    List<WireFrame> frames = readAll(channel);
    assertThat(frames).extracting(WireFrame::op).containsExactly(26, 26, 26, 26, 26, 27);

    ack(channel, AckBody.ofSeq(EPOCH, 6));
    push(channel, stored(7, 7, false, false));
    assertThat(read(channel).op()).as("caught up: frames again").isEqualTo(Op.MESSAGE);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void acksOfSeqsAreBatchedNewestPerDeviceIntoOneLogicAck() {
    EmbeddedChannel first = fixture.authenticated(ProtocolVersion.V2);
    EmbeddedChannel second = fixture.authenticated(ProtocolVersion.V1);

    for (long seq = 1; seq <= 50; seq++) {
      ack(first, AckBody.ofSeq(EPOCH, seq));
    }
    sendBody(
        second,
        ProtocolVersion.V1,
        Op.ACK,
        0,
        AckBody.ofSeq(EPOCH, 9).encode(ByteBufAllocator.DEFAULT));
    ack(first, AckBody.ofIds(5)); // ids only: no cursor
    fixture.cursors.flush();

    assertThat(fixture.logic.acks).hasSize(1);
    assertThat(fixture.logic.acks.get(0).getServerId()).isEqualTo("comet-test");
    assertThat(fixture.logic.acks.get(0).getCursorsList())
        .containsExactlyInAnyOrder(
            DeviceCursor.newBuilder().setMid(7).setKey("key-1").setEpoch(EPOCH).setSeq(50).build(),
            DeviceCursor.newBuilder().setMid(7).setKey("key-2").setEpoch(EPOCH).setSeq(9).build());
    assertThat(first.finishAndReleaseAll()).isFalse();
    assertThat(second.finishAndReleaseAll()).isFalse();
  }

  @Test
  void malformedAckAndSyncBodiesAreCountedAndIgnored() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);

    TransportFixture.send(channel, ProtocolVersion.V2, Op.ACK, 1, "short");
    TransportFixture.send(channel, ProtocolVersion.V2, Op.SYNC, 2, "not twenty bytes");

    assertThat(read(channel)).isNull();
    assertThat(channel.isOpen()).isTrue();
    assertThat(count("herald.comet.requests.invalid", "reason", "malformed_ack")).isOne();
    assertThat(count("herald.comet.requests.invalid", "reason", "malformed_sync")).isOne();
    assertThat(fixture.logic.syncs).isEmpty();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  private static InboxMessage message(long seq, int bodyBytes) {
    return InboxMessage.newBuilder()
        .setMessageId(1000 + seq)
        .setSeq(seq)
        .setOp(1000)
        .setBody(ByteString.copyFrom(new byte[bodyBytes]))
        .build();
  }

  @Test
  void syncIsAnsweredWithTheHeadAndOp26FramesCutAtTheReplyLimit() {
    fixture.logic.onSync =
        request ->
            CompletableFuture.completedFuture(
                SyncResponse.newBuilder()
                    .setEpoch(EPOCH)
                    .setOldestSeq(1)
                    .setLatestSeq(10)
                    .addMessages(message(4, 300))
                    .addMessages(message(5, 300))
                    .addMessages(message(6, 300))
                    .addMessages(message(7, 300))
                    .build());
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);

    sendBody(
        channel,
        ProtocolVersion.V2,
        Op.SYNC,
        77,
        SyncBody.after(EPOCH, 3, 0).encode(ByteBufAllocator.DEFAULT));

    assertThat(fixture.logic.syncs)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getMid()).isEqualTo(7);
              assertThat(r.getKey()).isEqualTo("key-1");
              assertThat(r.getEpoch()).isEqualTo(EPOCH);
              assertThat(r.getAfterSeq()).isEqualTo(3);
              assertThat(r.getFromCursor()).isFalse();
            });
    WireFrame reply = read(channel);
    assertThat(reply.op()).isEqualTo(Op.SYNC_REPLY);
    assertThat(reply.seq()).isEqualTo(77);
    ByteBuf body = Unpooled.wrappedBuffer(reply.bytes());
    assertThat(SyncReply.decode(body)).isEqualTo(new SyncReply(EPOCH, 1, 10, true, false));
    List<Frame> frames = SyncReply.messages(body, new FrameLimits(1 << 16));
    try {
      // 25 + 3 × (20 + 29 + 300) = 1072 > 1024: two fit.
      assertThat(frames)
          .extracting(f -> MessageEnvelope.decode(f.body()))
          .containsExactly(
              new MessageEnvelope(1004, EPOCH, 4, 1000, false),
              new MessageEnvelope(1005, EPOCH, 5, 1000, false));
      assertThat(frames).allSatisfy(f -> assertThat(f.version()).isEqualTo(ProtocolVersion.V2));
    } finally {
      frames.forEach(Frame::release);
    }
    assertThat(count("herald.comet.syncs", "result", "ok")).isOne();
    assertThat(fixture.deliveries.connections()).isZero();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aReplyHoldsAtLeastOneMessageEvenAboveTheLimit() {
    fixture.logic.onSync =
        request ->
            CompletableFuture.completedFuture(
                SyncResponse.newBuilder().setEpoch(EPOCH).addMessages(message(1, 2000)).build());
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);

    TransportFixture.send(channel, ProtocolVersion.V1, Op.SYNC, 5, "");

    assertThat(fixture.logic.syncs.get(0).getFromCursor()).isTrue();
    ByteBuf body = Unpooled.wrappedBuffer(read(channel).bytes());
    assertThat(SyncReply.decode(body).more()).isFalse();
    List<Frame> frames = SyncReply.messages(body, new FrameLimits(1 << 16));
    assertThat(frames)
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.version())
                    .as("the connection's version")
                    .isEqualTo(ProtocolVersion.V1));
    frames.forEach(Frame::release);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aFailedSyncIsAnsweredWithAnEmptyBodyAndASecondOneMeanwhileIsIgnored() {
    CompletableFuture<SyncResponse> answer = new CompletableFuture<>();
    fixture.logic.onSync = request -> answer;
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2);

    TransportFixture.send(channel, ProtocolVersion.V2, Op.SYNC, 1, "");
    TransportFixture.send(channel, ProtocolVersion.V2, Op.SYNC, 2, "");
    assertThat(read(channel)).isNull();
    assertThat(fixture.logic.syncs).hasSize(1);
    assertThat(count("herald.comet.requests.invalid", "reason", "sync_in_flight")).isOne();

    answer.completeExceptionally(new IllegalStateException("logic down"));
    WireFrame reply = read(channel);
    assertThat(reply.op()).isEqualTo(Op.SYNC_REPLY);
    assertThat(reply.seq()).isEqualTo(1);
    assertThat(reply.bodyLength()).isZero();
    assertThat(count("herald.comet.syncs", "result", "error")).isOne();

    fixture.logic.onSync =
        request -> CompletableFuture.completedFuture(SyncResponse.newBuilder().setEpoch(1).build());
    TransportFixture.send(channel, ProtocolVersion.V2, Op.SYNC, 3, "");
    assertThat(read(channel).seq()).as("the next SYNC is served").isEqualTo(3);
    assertThat(fixture.deliveries.connections()).isZero();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }
}
