package io.herald.comet.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.comet.session.Buckets;
import io.herald.comet.session.Connection;
import io.herald.comet.session.TransportKind;
import io.herald.wire.Frame;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReconnectScheduleTest {
  private final Buckets buckets = new Buckets(4);
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private final Counter sent = new SimpleMeterRegistry().counter("sent");

  @AfterEach
  void close() {
    channels.forEach(channel -> assertThat(channel.finishAndReleaseAll()).isFalse());
  }

  private EmbeddedChannel connect(String key, ProtocolVersion version) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channels.add(channel);
    buckets.add(
        new Connection(channel, TransportKind.TCP, 1, 1, key, "web", version, Set.of(), null));
    return channel;
  }

  /** The RECONNECT bodies {@code channel} received so far. */
  private static List<String> notices(EmbeddedChannel channel) {
    List<String> bodies = new ArrayList<>();
    for (Frame frame; (frame = channel.readOutbound()) != null; ) {
      try {
        assertThat(frame.op()).isEqualTo(Op.RECONNECT);
        bodies.add(frame.body().toString(StandardCharsets.UTF_8));
      } finally {
        frame.release();
      }
    }
    return bodies;
  }

  @Test
  void noticesAreSpreadEvenlyOverTheWindowInTicks() {
    for (int i = 0; i < 10; i++) {
      connect("k" + i, ProtocolVersion.V1);
    }
    // 500 ms in ticks of 100 ms: 5 batches of 2.
    ReconnectSchedule schedule =
        new ReconnectSchedule(buckets, c -> "{\"to\":\"" + c.key() + "\"}", ms(500), sent);

    int[] notifiedAfter = new int[5];
    for (int tick = 0; tick < 5; tick++) {
      schedule.tick();
      notifiedAfter[tick] = (int) sent.count();
    }

    assertThat(notifiedAfter).containsExactly(2, 4, 6, 8, 10);
    for (int i = 0; i < 10; i++) {
      assertThat(notices(channels.get(i))).containsExactly("{\"to\":\"k" + i + "\"}");
    }
  }

  @Test
  void connectionsAuthenticatedLaterAreNotifiedAtTheNextTickAndNobodyTwice() {
    EmbeddedChannel early = connect("early", ProtocolVersion.V2);
    ReconnectSchedule schedule = new ReconnectSchedule(buckets, c -> "{}", ms(1_000), sent);
    schedule.tick();
    assertThat(notices(early)).containsExactly("{}");

    EmbeddedChannel late = connect("late", ProtocolVersion.V2);
    schedule.tick();
    schedule.tick();

    assertThat(notices(late)).containsExactly("{}");
    assertThat(notices(early)).isEmpty();
    assertThat(sent.count()).isEqualTo(2);
  }

  @Test
  void aWindowShorterThanATickNotifiesEveryoneAtOnce() {
    connect("a", ProtocolVersion.V1);
    connect("b", ProtocolVersion.V1);
    connect("c", ProtocolVersion.V1);

    new ReconnectSchedule(buckets, c -> "{}", ms(20), sent).tick();

    assertThat(sent.count()).isEqualTo(3);
    channels.forEach(channel -> assertThat(notices(channel)).hasSize(1));
  }

  @Test
  void aClientNotReadingGetsItsNoticeOnceItsQueueDrains() {
    EmbeddedChannel slow = connect("slow", ProtocolVersion.V1);
    slow.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2));
    // Written, not flushed: it fills the outbound queue past the high watermark.
    ChannelFuture unflushed = slow.write(Unpooled.buffer(8).writeLong(0));
    assertThat(slow.isWritable()).isFalse();
    ReconnectSchedule schedule = new ReconnectSchedule(buckets, c -> "{}", ms(100), sent);

    schedule.tick();
    assertThat(sent.count()).isZero();

    slow.flush();
    assertThat(unflushed.isSuccess()).isTrue();
    ByteBuf queued = slow.readOutbound();
    queued.release();
    assertThat(slow.isWritable()).isTrue();
    schedule.tick();
    assertThat(notices(slow)).containsExactly("{}");
  }

  @Test
  void closedConnectionsAreSkipped() {
    EmbeddedChannel closed = connect("a", ProtocolVersion.V1);
    assertThat(closed.close().isSuccess()).isTrue();

    new ReconnectSchedule(buckets, c -> "{}", ms(100), sent).tick();

    assertThat(sent.count()).isZero();
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}
