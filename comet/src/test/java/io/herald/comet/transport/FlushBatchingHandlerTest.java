package io.herald.comet.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** Flush batching on its own: a handler that answers each message read with one written back. */
class FlushBatchingHandlerTest {
  /** Writes every message it reads back to the channel, flushing each. */
  private static final class Echo extends FlushBatchingHandler {
    @Override
    void messageReceived(ChannelHandlerContext ctx, Object msg) {
      ChannelFuture unused = ctx.write(msg);
      flush(ctx);
    }
  }

  /** Counts the flushes that reach the transport. */
  static final class FlushCounter extends ChannelOutboundHandlerAdapter {
    int flushes;

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes++;
      ctx.flush();
    }
  }

  private final FlushCounter counter = new FlushCounter();
  private final EmbeddedChannel channel = new EmbeddedChannel(counter, new Echo());

  private static ByteBuf bytes(int n) {
    return Unpooled.wrappedBuffer(new byte[n]);
  }

  /** Writes {@code count} messages through the whole pipeline, as pushes from elsewhere do. */
  private void write(int count) {
    for (int i = 0; i < count; i++) {
      ChannelFuture unused = channel.pipeline().write(bytes(1));
    }
  }

  @Test
  void writesDuringAReadAreFlushedOnceAtItsEnd() {
    channel.writeInbound(bytes(1), bytes(2), bytes(3));

    assertThat(counter.flushes).isEqualTo(1);
    assertThat(channel.outboundMessages()).hasSize(3);
    assertThat(channel.finishAndReleaseAll()).isTrue();
  }

  @Test
  void flushesOutsideAReadAreMergedIntoOneFlushTask() {
    write(3);
    for (int i = 0; i < 3; i++) {
      channel.pipeline().flush();
    }
    assertThat(counter.flushes).isZero();
    assertThat(channel.outboundMessages()).isEmpty();

    channel.runPendingTasks();

    assertThat(counter.flushes).isEqualTo(1);
    assertThat(channel.outboundMessages()).hasSize(3);
    channel.runPendingTasks();
    assertThat(counter.flushes).as("nothing more to flush").isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isTrue();
  }

  @Test
  void aFlushAskedForAfterTheTaskRanQueuesAnother() {
    write(1);
    channel.pipeline().flush();
    channel.runPendingTasks();

    write(1);
    channel.pipeline().flush();
    assertThat(channel.outboundMessages()).hasSize(1);
    channel.runPendingTasks();

    assertThat(counter.flushes).isEqualTo(2);
    assertThat(channel.outboundMessages()).hasSize(2);
    assertThat(channel.finishAndReleaseAll()).isTrue();
  }

  @Test
  void theLastOfTheMostPendingFlushesFlushesAtOnce() {
    int most = FlushBatchingHandler.FLUSH_AFTER_FLUSHES;
    write(most);
    for (int i = 0; i < most - 1; i++) {
      channel.pipeline().flush();
    }
    assertThat(counter.flushes).isZero();

    channel.pipeline().flush();

    assertThat(counter.flushes).isEqualTo(1);
    assertThat(channel.outboundMessages()).hasSize(most);
    channel.runPendingTasks();
    assertThat(counter.flushes).as("the queued task finds nothing pending").isEqualTo(1);
    assertThat(channel.finishAndReleaseAll()).isTrue();
  }

  @Test
  void aCloseFlushesWhatIsPendingFirst() {
    ChannelFuture pushed = channel.pipeline().write(bytes(1));
    channel.pipeline().flush();

    assertThat(channel.pipeline().close().isDone()).isTrue();

    assertThat(pushed.isSuccess()).isTrue();
    assertThat(channel.finishAndReleaseAll()).isTrue();
  }

  @Test
  void removingTheHandlerFlushesWhatIsPending() {
    write(1);
    channel.pipeline().flush();

    channel.pipeline().remove(Echo.class);

    assertThat(counter.flushes).isEqualTo(1);
    assertThat(channel.outboundMessages()).hasSize(1);
    channel.runPendingTasks();
    assertThat(channel.finishAndReleaseAll()).isTrue();
  }
}
