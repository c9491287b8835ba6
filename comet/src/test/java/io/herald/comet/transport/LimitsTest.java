package io.herald.comet.transport;

import static io.herald.comet.transport.TransportFixture.read;
import static io.herald.comet.transport.TransportFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.comet.config.CometConfig;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LimitsTest {
  @Test
  void aConnectionSendingFasterThanItsRateIsClosed() {
    TransportFixture fixture = new TransportFixture(new CometConfig.Limits(5, 10, 100));
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
  void theBucketRefillsAtTheConfiguredRate() {
    TransportFixture fixture = new TransportFixture(new CometConfig.Limits(5, 10, 100));
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
    TransportFixture fixture = new TransportFixture(new CometConfig.Limits(5, 10, 2));
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
    assertThat(limiter.clientIps()).isZero();
    assertThat(limiter.openConnections(TransportKind.TCP)).isZero();
    for (EmbeddedChannel channel : new EmbeddedChannel[] {first, second, third, fourth}) {
      assertThat(channel.finishAndReleaseAll()).isFalse();
    }
  }
}
