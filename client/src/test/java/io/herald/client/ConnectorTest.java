package io.herald.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.testkit.FreePorts;
import io.herald.wire.FrameLimits;
import io.herald.wire.ProtocolVersion;
import io.herald.wire.delivery.InboxNotice;
import io.herald.wire.delivery.MessageEnvelope;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How one connection attempt fails, on loopback: a node that is no address, a port nobody listens
 * on, and a server that accepts the connection but never answers AUTH (time driven by the test).
 * Attempts that succeed are {@code ClientIT}'s.
 */
class ConnectorTest {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ManualScheduler time = new ManualScheduler();
  private final Connector connector =
      new Connector(
          config(),
          group.next(),
          new Bootstrap().channel(NioSocketChannel.class),
          new AdaptiveHeartbeat(HeartbeatPolicy.DEFAULT),
          time);

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static ClientConfig config() {
    return new ClientConfig(
        Transport.TCP,
        ProtocolVersion.V2,
        List.of(),
        null,
        "/sub",
        1,
        "",
        "java",
        "",
        List.of(),
        List.of(),
        HeartbeatPolicy.DEFAULT,
        ReconnectPolicy.DEFAULT,
        CONNECT_TIMEOUT,
        Duration.ofSeconds(10),
        new FrameLimits(65536),
        new HeraldListener() {},
        Runnable::run,
        null,
        null,
        () -> 0.5,
        System::nanoTime,
        true,
        new MemoryInboxStore(),
        null,
        ChatRetryPolicy.DEFAULT);
  }

  private static final ServerConnection.Events IGNORED =
      new ServerConnection.Events() {
        @Override
        public void message(ServerConnection connection, Message message) {}

        @Override
        public void envelope(ServerConnection connection, MessageEnvelope head, Message message) {}

        @Override
        public void inboxNotice(ServerConnection connection, InboxNotice notice) {}

        @Override
        public void heartbeat(ServerConnection connection, int onlineCount) {}

        @Override
        public void reconnect(ServerConnection connection, FrameBodies.Reconnect request) {}

        @Override
        public void disconnectNotice(ServerConnection connection, String reason) {}

        @Override
        public void closed(ServerConnection connection) {}
      };

  private static Throwable failure(CompletableFuture<?> future) {
    return future.handle((value, error) -> error).join();
  }

  @Test
  void aNodeThatIsNoAddressFailsAtOnce() {
    CompletableFuture<Connector.Attempt> attempt =
        connector.connect("no-port", new byte[0], IGNORED);
    assertThat(attempt).isCompletedExceptionally();
    assertThat(failure(attempt))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("node: 'no-port' (expected: host:port)");
  }

  @Test
  void aRefusedConnectionFailsTheAttempt() {
    CompletableFuture<Connector.Attempt> attempt =
        connector.connect("127.0.0.1:" + FreePorts.next(), new byte[0], IGNORED);
    await().atMost(Duration.ofSeconds(10)).until(attempt::isDone);
    assertThat(failure(attempt)).isInstanceOf(ConnectException.class);
  }

  @Test
  void noAuthReplyWithinTheConnectTimeoutFailsTheAttempt() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Connector.Attempt> attempt =
          connector.connect("127.0.0.1:" + silent.getLocalPort(), new byte[] {'{', '}'}, IGNORED);
      time.advance(CONNECT_TIMEOUT.minusMillis(1));
      assertThat(attempt).isNotDone();
      time.advance(Duration.ofMillis(1));
      assertThat(failure(attempt))
          .isInstanceOf(TimeoutException.class)
          .hasMessage("not authenticated within PT5S");
    }
  }
}
