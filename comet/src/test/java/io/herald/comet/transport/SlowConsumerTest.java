package io.herald.comet.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.wire.ProtocolVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The close half of the slow-consumer policy, on authenticated connections (10 s allowed). */
class SlowConsumerTest {
  private final TransportFixture fixture = new TransportFixture();

  /** Queues {@code bytes} unflushed on a channel with tiny watermarks, so it is unwritable. */
  private static void fillWriteQueue(EmbeddedChannel channel, int bytes) {
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
    ChannelFuture unused = channel.write(Unpooled.wrappedBuffer(new byte[bytes]));
    assertThat(channel.isWritable()).isFalse();
  }

  /** Flushes (the consolidated flush runs as a task) and takes what was written. */
  private static void drain(EmbeddedChannel channel) {
    channel.flush();
    channel.runPendingTasks();
    assertThat(channel.isWritable()).isTrue();
    ByteBuf drained = channel.readOutbound();
    drained.release();
  }

  private static void advance(EmbeddedChannel channel, long seconds) {
    channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
  }

  private double unwritableGauge() {
    return fixture.meters.get("herald.comet.write.queue.unwritable").gauge().value();
  }

  private double closedCount() {
    return fixture.count("herald.comet.slow.consumers.closed");
  }

  @Test
  void closesAChannelUnwritableForLongerThanMaxUnwritable() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);
    fillWriteQueue(channel, 32);
    assertThat(unwritableGauge()).isEqualTo(1.0);

    advance(channel, 9);
    assertThat(channel.isOpen()).isTrue();
    advance(channel, 1);

    assertThat(channel.isOpen()).isFalse();
    assertThat(closedCount()).isEqualTo(1.0);
    assertThat(unwritableGauge()).isZero();
    assertThat(fixture.buckets.size()).isZero();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void leavesAChannelThatRecoveredInTime() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);
    fillWriteQueue(channel, 32);
    advance(channel, 9);

    drain(channel);
    assertThat(unwritableGauge()).isZero();
    advance(channel, 60);

    assertThat(channel.isOpen()).isTrue();
    assertThat(closedCount()).isZero();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void restartsTheClockEachTimeTheChannelBecomesUnwritable() {
    EmbeddedChannel channel = fixture.authenticated(ProtocolVersion.V1);
    fillWriteQueue(channel, 32);
    advance(channel, 9);
    drain(channel);

    fillWriteQueue(channel, 32);
    advance(channel, 9);
    assertThat(channel.isOpen()).as("9 s into its second stall").isTrue();
    advance(channel, 1);

    assertThat(channel.isOpen()).isFalse();
    assertThat(closedCount()).isEqualTo(1.0);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aChannelClosedWhileUnwritableIsNoLongerCounted() {
    EmbeddedChannel first = fixture.authenticated(ProtocolVersion.V1);
    EmbeddedChannel second = fixture.authenticated(ProtocolVersion.V1);
    fillWriteQueue(first, 32);
    fillWriteQueue(second, 32);
    assertThat(unwritableGauge()).isEqualTo(2.0);

    first.close().syncUninterruptibly();

    assertThat(unwritableGauge()).isEqualTo(1.0);
    advance(first, 60);
    assertThat(closedCount()).isZero();
    assertThat(first.finishAndReleaseAll()).isFalse();
    assertThat(second.finishAndReleaseAll()).isFalse();
    assertThat(unwritableGauge()).isZero();
  }
}
