package io.herald.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A raw WebSocket subscriber (nchan's): each message is one payload. */
class WebSocketPayloadsTest {
  @Test
  void eachBinaryOrTextMessageIsOnePayloadAndGapsAreCounted() {
    DeliveryStats stats = new DeliveryStats();
    EmbeddedChannel channel = new EmbeddedChannel(new WebSocketPayloads(stats, () -> {}));

    channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(Payload.body(0, 64))));
    channel.writeInbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(Payload.body(2, 64))));
    channel.writeInbound(new PongWebSocketFrame());

    assertThat(stats.delivered()).isEqualTo(2);
    assertThat(stats.gaps()).isEqualTo(1);
    assertThat(stats.reordered()).isZero();
    assertThat(stats.latency().getTotalCount()).isEqualTo(2);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aMessageShorterThanAPayloadIsIgnored() {
    DeliveryStats stats = new DeliveryStats();
    EmbeddedChannel channel = new EmbeddedChannel(new WebSocketPayloads(stats, () -> {}));

    channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[15])));

    assertThat(stats.delivered()).isZero();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void theCompletedHandshakeCountsAsSubscribed() {
    AtomicInteger subscribed = new AtomicInteger();
    EmbeddedChannel channel =
        new EmbeddedChannel(
            new WebSocketPayloads(new DeliveryStats(), subscribed::incrementAndGet));

    channel
        .pipeline()
        .fireUserEventTriggered(
            WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);

    assertThat(subscribed).hasValue(1);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }
}
