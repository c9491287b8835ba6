package io.herald.comet.session;

import io.herald.wire.Frame;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Frames the Comet sends a connection of its own accord: op 6 before it closes a connection (a
 * kick, a replaced or silent connection), op 21 to drain. Like pushes, they are written only to a
 * connection that {@link Connection#canWrite() can take them}; unlike pushes, they ignore the
 * connection's accepted ops (they are control frames every client must see) and are not counted as
 * pushes. Safe from any thread.
 */
public final class Notices {
  /**
   * How long a client gets to receive op 6 before its connection is closed anyway (a client that
   * does not read must not keep a kicked connection open).
   */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

  private Notices() {}

  /**
   * Closes {@code connection}, telling the client why first if it can understand it: a version 2
   * client gets op 6 {@code DISCONNECT_REPLY} with the UTF-8 {@code reason}, then the connection
   * closes once that is written (or after {@link #CLOSE_GRACE} at the latest). A version 1 client
   * (goim's, which knows no such frame) and an unwritable channel are closed at once.
   */
  public static void disconnect(Connection connection, String reason) {
    Channel channel = connection.channel();
    if (connection.version() != ProtocolVersion.V2 || !connection.canWrite()) {
      close(channel);
      return;
    }
    Frame frame =
        new Frame(
            ProtocolVersion.V2,
            Op.DISCONNECT_REPLY,
            0,
            ByteBufUtil.writeUtf8(channel.alloc(), reason));
    ChannelFuture unused = channel.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
    if (channel.isOpen()) {
      ScheduledFuture<?> fallback =
          channel
              .eventLoop()
              .schedule(() -> close(channel), CLOSE_GRACE.toNanos(), TimeUnit.NANOSECONDS);
      channel.closeFuture().addListener(closed -> fallback.cancel(false));
    }
  }

  /**
   * Asks the client to reconnect elsewhere: op 21 {@code RECONNECT} with {@code hintsJson} (UTF-8,
   * e.g. {@code {"reason":"draining","nodes":["host:port"]}}), in the connection's version, without
   * closing. Herald clients honour it; goim's clients ignore the unknown op.
   *
   * @return whether it was written; {@code false} if the channel is closed or unwritable
   */
  public static boolean reconnect(Connection connection, String hintsJson) {
    Channel channel = connection.channel();
    if (!connection.canWrite()) {
      return false;
    }
    Frame frame =
        new Frame(
            connection.version(),
            Op.RECONNECT,
            0,
            ByteBufUtil.writeUtf8(channel.alloc(), hintsJson));
    ChannelFuture unused = channel.writeAndFlush(frame);
    return true;
  }

  private static void close(Channel channel) {
    ChannelFuture unused = channel.close();
  }
}
