package io.herald.comet.push;

import static io.herald.comet.push.Clients.count;
import static io.herald.comet.push.Clients.pushed;
import static io.herald.comet.push.Clients.read;
import static io.herald.comet.push.PushKeysTest.bytes;
import static io.herald.wire.ProtocolVersion.V1;
import static io.herald.wire.ProtocolVersion.V2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.comet.push.Clients.Received;
import io.herald.comet.session.Buckets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BroadcastTest {
  private final Buckets buckets = new Buckets(4);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Clients clients = new Clients(buckets);

  /** The pacing scheduler: an embedded event loop whose time the test moves. */
  private final EmbeddedChannel clock = new EmbeddedChannel();

  private final Pusher pusher = new Pusher(buckets, registry, clock.eventLoop());
  private final List<EmbeddedChannel> connections = new ArrayList<>();

  BroadcastTest() {
    clock.freezeTime();
  }

  @AfterEach
  void finish() {
    assertThat(clock.finishAndReleaseAll()).isFalse();
    clients.finish();
  }

  private void connect(int count) {
    for (int i = 0; i < count; i++) {
      connections.add(clients.tcp("k" + i, i % 2 == 0 ? V1 : V2, Set.of()));
    }
  }

  /** Frames every connection read since the last call. */
  private List<Received> received() {
    List<Received> received = new ArrayList<>();
    connections.forEach(channel -> received.addAll(read(channel)));
    return received;
  }

  /** Moves the clock on by {@code millis}, a millisecond at a time, running what falls due. */
  private void advance(long millis) {
    for (long i = 0; i < millis; i++) {
      clock.advanceTimeBy(1, TimeUnit.MILLISECONDS);
      clock.runScheduledPendingTasks();
    }
  }

  @Test
  void unpacedReachesEveryAcceptingConnectionAtOnce() {
    connect(4);
    EmbeddedChannel refusing = clients.tcp("x", V2, Set.of(), 1001);

    long recipients = pusher.broadcast(1000, bytes("all"), 0);

    assertThat(recipients).isEqualTo(4);
    assertThat(received())
        .containsExactlyInAnyOrder(
            pushed(V1, 1000, "all"),
            pushed(V2, 1000, "all"),
            pushed(V1, 1000, "all"),
            pushed(V2, 1000, "all"));
    assertThat(read(refusing)).isEmpty();
    assertThat(count(registry, "herald.comet.pushes", "kind", "broadcast")).isEqualTo(4.0);
  }

  @Test
  void pacedSpreadsTheWritesOverTimeAtTheGivenSpeed() {
    connect(25);

    long recipients = pusher.broadcast(1000, bytes("all"), 10);

    assertThat(recipients).isEqualTo(25);
    assertThat(received()).as("the first chunk, before the call returns").hasSize(1);
    advance(99);
    assertThat(received()).isEmpty();
    advance(1);
    assertThat(received()).hasSize(1);
    advance(900);
    assertThat(received()).as("10 per second").hasSize(9);
    advance(1_400);
    assertThat(received()).hasSize(14);
    advance(10_000);
    assertThat(received()).isEmpty();
    assertThat(count(registry, "herald.comet.pushes", "kind", "broadcast")).isEqualTo(25.0);
  }

  @Test
  void pacedWritesInChunksOfATenthOfASecond() {
    connect(100);

    pusher.broadcast(1000, bytes("all"), 200);

    assertThat(received()).hasSize(20);
    advance(100);
    assertThat(received()).hasSize(20);
    advance(300);
    assertThat(received()).hasSize(60);
    advance(100);
    assertThat(received()).isEmpty();
  }

  @Test
  void aLaterBroadcastDoesNotCancelAnEarlierOne() {
    connect(10);

    pusher.broadcast(1000, bytes("first"), 10);
    pusher.broadcast(1001, bytes("second"), 5);
    advance(2_000);

    List<Received> received = received();
    assertThat(received).filteredOn(frame -> frame.op() == 1000).hasSize(10);
    assertThat(received).filteredOn(frame -> frame.op() == 1001).hasSize(10);
  }

  @Test
  void pacedKeepsItsSharedBufferUntilTheLastChunkThenLetsGo() {
    EmbeddedChannel first = clients.tcp("a", V2, Set.of());
    EmbeddedChannel second = clients.tcp("b", V2, Set.of());

    pusher.broadcast(1000, bytes("all"), 1);
    ByteBuf a = (first.outboundMessages().isEmpty() ? second : first).readOutbound();
    try {
      assertThat(a.refCnt()).as("held by the broadcast and the first recipient").isEqualTo(2);
      advance(1_000);
      ByteBuf b = (first.outboundMessages().isEmpty() ? second : first).readOutbound();
      assertThat(Clients.sameMemory(a, b)).isTrue();
      assertThat(a.refCnt()).as("the broadcast released its reference").isEqualTo(2);
      b.release();
    } finally {
      a.release();
    }
  }

  @Test
  void withoutASchedulerPacesOnARecipientsEventLoop() {
    Pusher onEventLoops = new Pusher(buckets, registry);
    connect(3);

    onEventLoops.broadcast(1000, bytes("all"), 1);

    assertThat(received()).hasSize(1);
    for (int second = 0; second < 2; second++) {
      for (EmbeddedChannel channel : connections) {
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
      }
      for (EmbeddedChannel channel : connections) {
        channel.runScheduledPendingTasks();
      }
      assertThat(received()).hasSize(1);
    }
  }

  @Test
  void whenTheSchedulerStopsTheRestIsDroppedAndCounted() {
    ScheduledThreadPoolExecutor stopped = new ScheduledThreadPoolExecutor(1);
    stopped.shutdown();
    Pusher stopping = new Pusher(buckets, registry, stopped);
    connect(5);

    assertThat(stopping.broadcast(1000, bytes("all"), 1)).isEqualTo(5);

    assertThat(received()).hasSize(1);
    assertThat(count(registry, "herald.comet.push.dropped", "reason", "stopped")).isEqualTo(4.0);
  }

  @Test
  void refusesANegativeSpeed() {
    assertThatThrownBy(() -> pusher.broadcast(1000, bytes("x"), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
