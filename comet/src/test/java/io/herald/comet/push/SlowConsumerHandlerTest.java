package io.herald.comet.push;

import static io.herald.comet.push.Clients.fillWriteQueue;
import static org.assertj.core.api.Assertions.assertThat;

import io.herald.comet.config.CometConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SlowConsumerHandlerTest {
  private static final CometConfig.Outbound OUTBOUND =
      new CometConfig.Outbound(8, 16, Duration.ofSeconds(10));

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SlowConsumerMetrics metrics = new SlowConsumerMetrics(registry);

  private EmbeddedChannel channel() {
    EmbeddedChannel channel = new EmbeddedChannel(new SlowConsumerHandler(OUTBOUND, metrics));
    channel.freezeTime();
    return channel;
  }

  private static void advance(EmbeddedChannel channel, long seconds) {
    channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
  }

  private double unwritableGauge() {
    return registry.get("herald.comet.write.queue.unwritable").gauge().value();
  }

  private double closedCount() {
    return registry.get("herald.comet.slow.consumers.closed").counter().count();
  }

  @Test
  void closesAChannelUnwritableForLongerThanMaxUnwritable() {
    EmbeddedChannel channel = channel();
    fillWriteQueue(channel, 32);
    assertThat(unwritableGauge()).isEqualTo(1.0);

    advance(channel, 9);
    assertThat(channel.isOpen()).isTrue();
    advance(channel, 1);

    assertThat(channel.isOpen()).isFalse();
    assertThat(closedCount()).isEqualTo(1.0);
    assertThat(unwritableGauge()).isZero();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void leavesAChannelThatRecoveredInTime() {
    EmbeddedChannel channel = channel();
    fillWriteQueue(channel, 32);
    advance(channel, 9);

    channel.flush();
    assertThat(channel.isWritable()).isTrue();
    assertThat(unwritableGauge()).isZero();
    advance(channel, 60);

    assertThat(channel.isOpen()).isTrue();
    assertThat(closedCount()).isZero();
    ByteBuf drained = channel.readOutbound();
    drained.release();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void restartsTheClockEachTimeTheChannelBecomesUnwritable() {
    EmbeddedChannel channel = channel();
    fillWriteQueue(channel, 32);
    advance(channel, 9);
    channel.flush();
    ByteBuf drained = channel.readOutbound();
    drained.release();

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
    EmbeddedChannel first = channel();
    EmbeddedChannel second = channel();
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
