package io.herald.comet.push;

import static io.herald.comet.push.Clients.count;
import static io.herald.comet.push.Clients.decode;
import static io.herald.comet.push.Clients.pushed;
import static io.herald.comet.push.Clients.read;
import static io.herald.comet.push.Clients.sameMemory;
import static io.herald.wire.ProtocolVersion.V1;
import static io.herald.wire.ProtocolVersion.V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.herald.comet.push.Clients.Received;
import io.herald.comet.session.Buckets;
import io.herald.wire.Op;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoomBroadcastTest {
  private static final String ROOM = "live://1000";
  private static final Set<String> IN_ROOM = Set.of(ROOM);

  private final Buckets buckets = new Buckets(4);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Pusher pusher = new Pusher(buckets, registry);
  private final Clients clients = new Clients(buckets);

  @AfterEach
  void finish() {
    clients.finish();
  }

  @Test
  void oneFrameReachesEveryMemberAsItselfFromOneSharedBufferPerVersion() {
    EmbeddedChannel tcp1 = clients.tcp("a", V1, IN_ROOM);
    EmbeddedChannel tcp2 = clients.tcp("b", V1, IN_ROOM);
    EmbeddedChannel ws1 = clients.webSocket("c", V1, IN_ROOM);
    EmbeddedChannel v2 = clients.tcp("d", V2, IN_ROOM);
    EmbeddedChannel elsewhere = clients.tcp("e", V1, Set.of("live://2000"));
    EmbeddedChannel ws2 = clients.webSocket("f", V1, IN_ROOM);

    int recipients = pusher.broadcastRoom(ROOM, List.of(frame(1000, "hi")));

    assertThat(recipients).isEqualTo(5);
    ByteBuf a = tcp1.readOutbound();
    ByteBuf b = tcp2.readOutbound();
    BinaryWebSocketFrame c = ws1.readOutbound();
    ByteBuf d = v2.readOutbound();
    BinaryWebSocketFrame f = ws2.readOutbound();
    try {
      assertThat(a).isNotSameAs(b);
      assertThat(sameMemory(a, b)).as("same bytes, not a copy").isTrue();
      assertThat(sameMemory(a, d)).as("another version, another encoding").isFalse();
      assertThat(a.refCnt()).as("the pusher kept no reference; one per member").isEqualTo(2);
      b.release();
      assertThat(a.refCnt()).isEqualTo(1);
      assertThat(ByteBufUtil.equals(a, c.content()))
          .as("a WebSocket message carries the same frame")
          .isTrue();
      assertThat(sameMemory(c.content(), f.content()))
          .as("WebSocket members share one message, framed once")
          .isTrue();
      assertThat(c.refCnt()).isEqualTo(2);
    } finally {
      a.release();
      c.release();
      d.release();
      f.release();
    }
    assertThat(read(elsewhere)).isEmpty();
    assertThat(count(registry, "herald.comet.pushes", "kind", "room")).isEqualTo(5.0);
  }

  @Test
  void severalFramesTravelAsOneBatchPerMember() {
    EmbeddedChannel tcp1 = clients.tcp("a", V1, IN_ROOM);
    EmbeddedChannel tcp2 = clients.tcp("b", V1, IN_ROOM);
    EmbeddedChannel ws1 = clients.webSocket("c", V2, IN_ROOM);
    EmbeddedChannel ws2 = clients.webSocket("d", V2, IN_ROOM);

    pusher.broadcastRoom(ROOM, List.of(frame(1000, "hi"), frame(1001, "yo")));

    ByteBuf a = tcp1.readOutbound();
    ByteBuf b = tcp2.readOutbound();
    BinaryWebSocketFrame c = ws1.readOutbound();
    BinaryWebSocketFrame d = ws2.readOutbound();
    try {
      assertThat(sameMemory(a, b)).isTrue();
      assertThat(sameMemory(c.content(), d.content())).isTrue();
      assertThat(a.refCnt()).isEqualTo(2);
      assertThat(c.refCnt()).isEqualTo(2);
      assertThat(decode(a))
          .as("on TCP the batch body alone: the inner frames as ordinary frames")
          .containsExactly(pushed(V1, 1000, "hi"), pushed(V1, 1001, "yo"));
      List<Received> message = decode(c);
      assertThat(message).singleElement().extracting(Received::op).isEqualTo(Op.RAW);
      assertThat(message.get(0).batch())
          .as("on WebSocket one op-9 message whose body splits into the frames")
          .containsExactly(pushed(V2, 1000, "hi"), pushed(V2, 1001, "yo"));
    } finally {
      a.release();
      b.release();
      c.release();
      d.release();
    }
    assertThat(count(registry, "herald.comet.pushes", "kind", "room")).isEqualTo(8.0);
  }

  @Test
  void eachMemberGetsOnlyTheFramesItAccepts() {
    EmbeddedChannel everything = clients.webSocket("a", V2, IN_ROOM);
    EmbeddedChannel chatOnly = clients.webSocket("b", V2, IN_ROOM, 1001);
    EmbeddedChannel giftsOnly = clients.tcp("c", V1, IN_ROOM, 1000);
    EmbeddedChannel alsoGifts = clients.tcp("d", V1, IN_ROOM, 1000, 1002);
    EmbeddedChannel nothing = clients.tcp("e", V1, IN_ROOM, 1003);

    int recipients =
        pusher.broadcastRoom(
            ROOM, List.of(frame(1000, "g1"), frame(1001, "c1"), frame(1000, "g2")));

    assertThat(recipients).isEqualTo(4);
    assertThat(read(everything).get(0).batch())
        .containsExactly(pushed(V2, 1000, "g1"), pushed(V2, 1001, "c1"), pushed(V2, 1000, "g2"));
    assertThat(read(chatOnly))
        .as("one frame left: as itself")
        .containsExactly(pushed(V2, 1001, "c1"));
    ByteBuf c = giftsOnly.readOutbound();
    ByteBuf d = alsoGifts.readOutbound();
    try {
      assertThat(sameMemory(c, d)).as("the same subset shares its encoding").isTrue();
      assertThat(decode(c)).containsExactly(pushed(V1, 1000, "g1"), pushed(V1, 1000, "g2"));
    } finally {
      c.release();
      d.release();
    }
    assertThat(read(nothing)).isEmpty();
    assertThat(count(registry, "herald.comet.pushes", "kind", "room")).isEqualTo(8.0);
  }

  @Test
  void aRoomWithNoMemberHereReachesNobody() {
    EmbeddedChannel elsewhere = clients.tcp("a", V1, Set.of("live://2000"));

    assertThat(pusher.broadcastRoom(ROOM, List.of(frame(1000, "hi")))).isZero();
    assertThat(read(elsewhere)).isEmpty();
  }

  @Test
  void refusesNoFramesAndNestedBatches() {
    assertThatThrownBy(() -> pusher.broadcastRoom(ROOM, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> pusher.broadcastRoom(ROOM, List.of(frame(Op.RAW, "x"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static PushFrame frame(int op, String body) {
    return new PushFrame(op, 0, ByteString.copyFromUtf8(body));
  }
}
