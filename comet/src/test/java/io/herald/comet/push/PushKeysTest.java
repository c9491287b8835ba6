package io.herald.comet.push;

import static io.herald.comet.push.Clients.count;
import static io.herald.comet.push.Clients.pushed;
import static io.herald.comet.push.Clients.read;
import static io.herald.wire.ProtocolVersion.V1;
import static io.herald.wire.ProtocolVersion.V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.herald.comet.session.Buckets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PushKeysTest {
  private final Buckets buckets = new Buckets(4);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Pusher pusher = new Pusher(buckets, registry);
  private final Clients clients = new Clients(buckets);

  @AfterEach
  void finish() {
    clients.finish();
  }

  @Test
  void reachesExactlyTheAddressedKeysEachInItsVersion() {
    EmbeddedChannel goim = clients.tcp("a", V1, Set.of());
    EmbeddedChannel herald = clients.webSocket("b", V2, Set.of(), 1000, 1001);
    EmbeddedChannel bystander = clients.tcp("c", V2, Set.of());

    List<String> absent = pusher.pushKeys(List.of("a", "gone", "b"), 1000, bytes("hi"));

    assertThat(absent).containsExactly("gone");
    assertThat(read(goim)).containsExactly(pushed(V1, 1000, "hi"));
    assertThat(read(herald)).containsExactly(pushed(V2, 1000, "hi"));
    assertThat(read(bystander)).isEmpty();
    assertThat(count(registry, "herald.comet.pushes", "kind", "keys")).isEqualTo(2.0);
  }

  @Test
  void skipsConnectionsThatDoNotAcceptTheOpWithoutCountingADrop() {
    EmbeddedChannel chat = clients.tcp("a", V2, Set.of(), 1001);

    List<String> absent = pusher.pushKeys(List.of("a"), 1000, bytes("hi"));

    assertThat(absent).isEmpty();
    assertThat(read(chat)).isEmpty();
    assertThat(count(registry, "herald.comet.pushes", "kind", "keys")).isZero();
    assertThat(count(registry, "herald.comet.push.dropped", "reason", "unwritable")).isZero();
  }

  @Test
  void sharesOneEncodingPerVersionAcrossRecipients() {
    EmbeddedChannel first = clients.tcp("a", V2, Set.of());
    EmbeddedChannel second = clients.webSocket("b", V2, Set.of());
    EmbeddedChannel goim = clients.tcp("c", V1, Set.of());
    EmbeddedChannel third = clients.tcp("d", V2, Set.of());
    EmbeddedChannel fourth = clients.webSocket("e", V2, Set.of());

    pusher.pushKeys(List.of("a", "b", "c", "d", "e"), 1000, bytes("hi"));

    ByteBuf a = first.readOutbound();
    BinaryWebSocketFrame b = second.readOutbound();
    ByteBuf c = goim.readOutbound();
    ByteBuf d = third.readOutbound();
    BinaryWebSocketFrame e = fourth.readOutbound();
    try {
      assertThat(Clients.sameMemory(a, d)).isTrue();
      assertThat(Clients.sameMemory(a, c)).isFalse();
      assertThat(ByteBufUtil.equals(a, b.content())).as("the same frame on WebSocket").isTrue();
      assertThat(Clients.sameMemory(b.content(), e.content()))
          .as("one WebSocket message, framed once")
          .isTrue();
      assertThat(a.refCnt()).as("one buffer, counted once per recipient").isEqualTo(2);
      assertThat(b.refCnt()).isEqualTo(2);
      assertThat(c.refCnt()).isEqualTo(1);
    } finally {
      a.release();
      b.release();
      c.release();
      d.release();
      e.release();
    }
  }

  @Test
  void refusesOp9() {
    clients.tcp("a", V2, Set.of());

    assertThatThrownBy(() -> pusher.pushKeys(List.of("a"), 9, bytes("x")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static ByteString bytes(String text) {
    return ByteString.copyFromUtf8(text);
  }
}
