package io.herald.comet.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.herald.comet.config.CometConfig;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.Op;
import io.herald.wire.ProtocolVersion;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
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
  private final List<WireClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(WireClient::close);
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
    WireClient talker = authenticated(address); // key-1
    WireClient silent = authenticated(address);
    WireClient alsoSilent = authenticated(address);
    assertThat(fixture.buckets.size()).isEqualTo(3);

    await()
        .pollInterval(Duration.ofMillis(100))
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              talker.send(Op.HEARTBEAT, 1, "");
              return fixture.count("herald.comet.heartbeat.timeouts") == 2;
            });

    assertThat(silent.closed()).succeedsWithin(Duration.ofSeconds(10));
    assertThat(alsoSilent.closed()).succeedsWithin(Duration.ofSeconds(10));
    assertThat(fixture.buckets.size()).isEqualTo(1);
    assertThat(fixture.buckets.get("key-1")).isNotNull();
    assertThat(fixture.logic.disconnects).hasSize(2);
  }

  private WireClient authenticated(InetSocketAddress address) {
    WireClient client = WireClient.tcp(address.getPort(), ProtocolVersion.V1);
    clients.add(client);
    client.send(Op.AUTH, 1, TransportFixture.AUTH_JSON);
    client.await(Op.AUTH_REPLY);
    return client;
  }
}
