package io.herald.comet.transport;

import static io.herald.comet.transport.TransportFixture.read;
import static io.herald.comet.transport.TransportFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.comet.config.CometConfig;
import io.herald.comet.session.TransportKind;
import io.herald.proto.logic.v1.ConnectResponse;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LimitsTest {
  @Test
  void aConnectionSendingFasterThanItsRateIsClosed() {
    TransportFixture fixture = new TransportFixture(new CometConfig.Limits(5, 10, 100, 200, 1000));
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1); // AUTH took one token

    for (int i = 0; i < 9; i++) {
      send(channel, ProtocolVersion.V1, Op.HEARTBEAT, i, "");
      assertThat(read(channel).op()).isEqualTo(Op.HEARTBEAT_REPLY);
    }
    assertThat(channel.isOpen()).isTrue();
    send(channel, ProtocolVersion.V1, Op.HEARTBEAT, 10, "");

    assertThat(read(channel)).isNull();
    assertThat(channel.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.rate.limited", "kind", "upstream")).isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void syncAndAckFramesTakeTokensLikeAnyOtherAndAFloodClosesTheConnection() {
    TransportFixture fixture = new TransportFixture(new CometConfig.Limits(5, 10, 100, 200, 1000));
    fixture.logic.onSync = request -> new CompletableFuture<>(); // Logic never answers
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V2); // AUTH took one token

    byte[] sync = new byte[20]; // SYNC(epoch 0, after 0, limit 0)
    for (int i = 0; i < 5; i++) {
      channel.writeInbound(TransportFixture.encode(ProtocolVersion.V2, Op.SYNC, i, sync));
    }
    for (int i = 0; i < 4; i++) {
      channel.writeInbound(TransportFixture.encode(ProtocolVersion.V2, Op.ACK, i, new byte[16]));
    }
    assertThat(channel.isOpen()).isTrue();
    channel.writeInbound(TransportFixture.encode(ProtocolVersion.V2, Op.SYNC, 9, sync));

    assertThat(channel.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.rate.limited", "kind", "upstream")).isEqualTo(1);
    assertThat(fixture.logic.syncs).as("one in flight, the rest ignored").hasSize(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void theBucketRefillsAtTheConfiguredRate() {
    TransportFixture fixture = new TransportFixture(new CometConfig.Limits(5, 10, 100, 200, 1000));
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);
    for (int i = 0; i < 9; i++) {
      send(channel, ProtocolVersion.V1, Op.HEARTBEAT, i, "");
      read(channel);
    }

    // 5 frames per second, sustained for 10 seconds: never over the limit.
    for (int second = 0; second < 10; second++) {
      channel.advanceTimeBy(1, TimeUnit.SECONDS);
      for (int i = 0; i < 5; i++) {
        send(channel, ProtocolVersion.V1, Op.HEARTBEAT, i, "");
        assertThat(read(channel)).isNotNull();
      }
    }

    assertThat(channel.isOpen()).isTrue();
    assertThat(fixture.count("herald.comet.rate.limited", "kind", "upstream")).isZero();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void connectionsOverThePerIpLimitAreRefusedAndTheCountFollowsCloses() {
    TransportFixture fixture = new TransportFixture(new CometConfig.Limits(5, 10, 2, 200, 1000));
    ConnectionLimiter limiter = fixture.context.connectionLimiter();
    EmbeddedChannel first = fixture.tcp();
    EmbeddedChannel second = fixture.tcp();

    EmbeddedChannel third = fixture.tcp();

    assertThat(first.isOpen()).isTrue();
    assertThat(second.isOpen()).isTrue();
    assertThat(third.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.rate.limited", "kind", "per_ip")).isEqualTo(1);
    assertThat(limiter.openConnections(TransportKind.TCP)).isEqualTo(2);
    assertThat(
            fixture.meters.get("herald.comet.connections").tag("transport", "tcp").gauge().value())
        .isEqualTo(2);

    assertThat(first.close().isDone()).isTrue();
    EmbeddedChannel fourth = fixture.tcp();
    assertThat(fourth.isOpen()).isTrue();

    assertThat(second.close().isDone()).isTrue();
    assertThat(fourth.close().isDone()).isTrue();
    fixture.nanoTime.addAndGet(TimeUnit.SECONDS.toNanos(10));
    limiter.sweep(fixture.nanoTime.get());
    assertThat(limiter.clientIps()).isZero();
    assertThat(limiter.openConnections(TransportKind.TCP)).isZero();
    for (EmbeddedChannel channel : new EmbeddedChannel[] {first, second, third, fourth}) {
      assertThat(channel.finishAndReleaseAll()).isFalse();
    }
  }

  @Test
  void newConnectionsOverThePerIpRateAreRefusedUntilTheBucketRefills() {
    TransportFixture fixture = new TransportFixture(new CometConfig.Limits(5, 10, 100, 2, 3));
    List<EmbeddedChannel> admitted = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      admitted.add(fixture.tcp());
    }

    EmbeddedChannel fourth = fixture.tcp();

    assertThat(admitted).allMatch(EmbeddedChannel::isOpen);
    assertThat(fourth.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.rate.limited", "kind", "per_ip_rate")).isEqualTo(1);
    assertThat(fixture.count("herald.comet.rate.limited", "kind", "per_ip")).isZero();

    fixture.nanoTime.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
    EmbeddedChannel afterHalfASecond = fixture.tcp();
    EmbeddedChannel tooSoon = fixture.tcp();

    assertThat(afterHalfASecond.isOpen()).isTrue();
    assertThat(tooSoon.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.rate.limited", "kind", "per_ip_rate")).isEqualTo(2);
    assertThat(fixture.context.connectionLimiter().openConnections(TransportKind.TCP)).isEqualTo(4);
  }

  @Test
  void anIpIsForgottenOnceItHoldsNothingAndItsBucketIsFull() {
    TransportFixture fixture = new TransportFixture(new CometConfig.Limits(5, 10, 100, 2, 3));
    ConnectionLimiter limiter = fixture.context.connectionLimiter();
    EmbeddedChannel channel = fixture.tcp();
    assertThat(channel.close().isDone()).isTrue();

    limiter.sweep(fixture.nanoTime.get());
    assertThat(limiter.clientIps()).as("its bucket is not full yet").isEqualTo(1);

    fixture.nanoTime.addAndGet(TimeUnit.SECONDS.toNanos(1));
    limiter.sweep(fixture.nanoTime.get());
    assertThat(limiter.clientIps()).isZero();
  }

  @Test
  void connectionsOverTheGlobalMaximumAreRefusedAndOpenOnesAreUnaffected() {
    TransportFixture fixture =
        new TransportFixture(new CometConfig.Limits(5, 10, 100, 200, 1000, 2, 100));
    ConnectionLimiter limiter = fixture.context.connectionLimiter();
    EmbeddedChannel first = fixture.authenticated(ProtocolVersion.V1);
    EmbeddedChannel second = fixture.tcp();

    EmbeddedChannel third = fixture.tcp();

    assertThat(third.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.rate.limited", "kind", "max_connections")).isEqualTo(1);
    assertThat(first.isOpen()).isTrue();
    send(first, ProtocolVersion.V1, Op.HEARTBEAT, 2, "");
    assertThat(read(first).op()).isEqualTo(Op.HEARTBEAT_REPLY);
    assertThat(limiter.openConnections(TransportKind.TCP)).isEqualTo(2);

    assertThat(second.close().isDone()).isTrue();
    EmbeddedChannel fourth = fixture.tcp();
    assertThat(fourth.isOpen()).isTrue();
    assertThat(limiter.clientIps()).isEqualTo(1);
    for (EmbeddedChannel channel : new EmbeddedChannel[] {first, second, third, fourth}) {
      channel.close();
      assertThat(channel.finishAndReleaseAll()).isFalse();
    }
    assertThat(limiter.openConnections(TransportKind.TCP)).isZero();
    assertThat(limiter.pendingHandshakes()).isZero();
  }

  @Test
  void handshakesOverTheMaximumAreRefusedAndASlotComesBackWhenLogicAnswers() {
    TransportFixture fixture =
        new TransportFixture(new CometConfig.Limits(5, 10, 100, 200, 1000, 100, 2));
    ConnectionLimiter limiter = fixture.context.connectionLimiter();
    CompletableFuture<ConnectResponse> logicAnswer = new CompletableFuture<>();
    EmbeddedChannel authenticated = fixture.authenticated(ProtocolVersion.V1);
    fixture.logic.onConnect = request -> logicAnswer; // Logic slow: handshakes pile up
    EmbeddedChannel waiting = fixture.tcp();
    send(waiting, ProtocolVersion.V1, Op.AUTH, 1, TransportFixture.AUTH_JSON);
    EmbeddedChannel silent = fixture.tcp();
    assertThat(limiter.pendingHandshakes()).isEqualTo(2);

    EmbeddedChannel refused = fixture.tcp();

    assertThat(refused.isOpen()).isFalse();
    assertThat(fixture.count("herald.comet.rate.limited", "kind", "max_handshakes")).isEqualTo(1);
    assertThat(fixture.meters.get("herald.comet.handshakes.pending").gauge().value()).isEqualTo(2);
    assertThat(authenticated.isOpen()).isTrue();

    logicAnswer.complete(ConnectResponse.newBuilder().setMid(7).setKey("key-w").build());
    waiting.runPendingTasks();
    assertThat(read(waiting).op()).isEqualTo(Op.AUTH_REPLY);
    assertThat(limiter.pendingHandshakes()).isEqualTo(1);
    assertThat(silent.close().isDone()).isTrue();
    assertThat(limiter.pendingHandshakes()).isZero();
    assertThat(fixture.tcp().isOpen()).isTrue();
    for (EmbeddedChannel channel : new EmbeddedChannel[] {authenticated, waiting, refused}) {
      channel.close();
      assertThat(channel.finishAndReleaseAll()).isFalse();
    }
  }
}
