package io.herald.comet.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.comet.config.CometConfig;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several connections on one real event loop share its sweep; each keeps its own deadline. */
class SilenceSweepTest {
  private static final Duration TIMEOUT = Duration.ofMillis(300);

  private final TransportFixture fixture =
      new TransportFixture(
          new CometConfig.Limits(50, 100, 1000, 200, 1000),
          new CometConfig.Heartbeat(
              Duration.ofMinutes(4), 2, TIMEOUT, TIMEOUT, Duration.ofMinutes(5)));
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void theSweepClosesTheSilentConnectionsOfItsLoopAndLeavesTheOneThatHeartbeats() throws Exception {
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new TcpChannelInitializer(fixture.context, null))
            .bind("127.0.0.1", 0)
            .syncUninterruptibly()
            .channel();
    InetSocketAddress address = (InetSocketAddress) server.localAddress();
    Socket talker = authenticated(address); // key-1
    Socket silent = authenticated(address);
    Socket alsoSilent = authenticated(address);
    assertThat(fixture.buckets.size()).isEqualTo(3);

    await()
        .pollInterval(Duration.ofMillis(100))
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              send(talker, Op.HEARTBEAT, "");
              return fixture.count("herald.comet.heartbeat.timeouts") == 2;
            });

    assertThat(silent.getInputStream().read()).isEqualTo(-1);
    assertThat(alsoSilent.getInputStream().read()).isEqualTo(-1);
    assertThat(fixture.buckets.size()).isEqualTo(1);
    assertThat(fixture.buckets.get("key-1")).isNotNull();
    assertThat(fixture.logic.disconnects).hasSize(2);
  }

  private Socket authenticated(InetSocketAddress address) throws IOException {
    Socket socket = new Socket(address.getAddress(), address.getPort());
    sockets.add(socket);
    socket.setSoTimeout(10_000);
    send(socket, Op.AUTH, TransportFixture.AUTH_JSON);
    DataInputStream in = new DataInputStream(socket.getInputStream());
    byte[] reply = new byte[in.readInt() - 4];
    in.readFully(reply);
    assertThat(reply[7]).as("op 8").isEqualTo((byte) Op.AUTH_REPLY);
    return socket;
  }

  private static void send(Socket socket, int op, String body) throws IOException {
    ByteBuf frame =
        TransportFixture.encode(ProtocolVersion.V1, op, 1, body.getBytes(StandardCharsets.UTF_8));
    try {
      socket.getOutputStream().write(ByteBufUtil.getBytes(frame));
    } finally {
      frame.release();
    }
  }
}
