package io.herald.comet.push;

import static io.herald.comet.push.Clients.count;
import static io.herald.comet.push.Clients.fillWriteQueue;
import static io.herald.comet.push.Clients.pushed;
import static io.herald.comet.push.Clients.read;
import static io.herald.comet.push.PushKeysTest.bytes;
import static io.herald.comet.push.RoomBroadcastTest.frame;
import static io.herald.wire.ProtocolVersion.V1;
import static io.herald.wire.ProtocolVersion.V2;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.comet.session.Buckets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The write path's drop policy: what cannot be queued is dropped, counted and released. */
class UnwritableDropTest {
  private static final String ROOM = "live://1000";

  private final Buckets buckets = new Buckets(4);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Pusher pusher = new Pusher(buckets, registry);
  private final Clients clients = new Clients(buckets);

  @AfterEach
  void finish() {
    clients.finish();
  }

  @Test
  void aPushToAnUnwritableChannelIsDroppedAndCounted() {
    EmbeddedChannel slow = clients.tcp("a", V1, Set.of());
    fillWriteQueue(slow, 32);

    assertThat(pusher.pushKeys(List.of("a"), 1000, bytes("hi"))).isEmpty();

    assertThat(count(registry, "herald.comet.push.dropped", "reason", "unwritable")).isEqualTo(1.0);
    assertThat(count(registry, "herald.comet.pushes", "kind", "keys")).isZero();
    slow.flush();
    ByteBuf filler = slow.readOutbound();
    assertThat(filler.readableBytes()).as("only what was queued before").isEqualTo(32);
    filler.release();
    assertThat(read(slow)).isEmpty();
  }

  @Test
  void aRoomBatchSkipsTheUnwritableMemberAndCountsEachOfItsFrames() {
    EmbeddedChannel fast = clients.tcp("a", V2, Set.of(ROOM));
    EmbeddedChannel slow = clients.tcp("b", V2, Set.of(ROOM));
    fillWriteQueue(slow, 32);

    int recipients = pusher.broadcastRoom(ROOM, List.of(frame(1000, "x"), frame(1001, "y")));

    assertThat(recipients).isEqualTo(1);
    assertThat(count(registry, "herald.comet.push.dropped", "reason", "unwritable")).isEqualTo(2.0);
    ByteBuf delivered = fast.readOutbound();
    assertThat(delivered.refCnt()).as("no reference left for the dropped member").isEqualTo(1);
    delivered.release();
    slow.flush();
    ByteBuf filler = slow.readOutbound();
    filler.release();
    assertThat(read(slow)).isEmpty();
  }

  @Test
  void aChannelWritableAgainReceivesTheNextPush() {
    EmbeddedChannel slow = clients.tcp("a", V1, Set.of());
    fillWriteQueue(slow, 32);
    pusher.broadcast(1000, bytes("lost"), 0);
    slow.flush();
    ByteBuf filler = slow.readOutbound();
    filler.release();

    pusher.broadcast(1000, bytes("kept"), 0);

    assertThat(read(slow)).containsExactly(pushed(V1, 1000, "kept"));
  }

  @Test
  void aPushToAClosedChannelIsDroppedAsClosed() {
    EmbeddedChannel gone = clients.tcp("a", V2, Set.of());
    gone.close().syncUninterruptibly();

    assertThat(pusher.pushKeys(List.of("a"), 1000, bytes("hi"))).isEmpty();

    assertThat(count(registry, "herald.comet.push.dropped", "reason", "closed")).isEqualTo(1.0);
    assertThat(read(gone)).isEmpty();
  }
}
