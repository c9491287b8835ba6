package io.herald.comet.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herald.comet.config.CometConfig;
import io.herald.comet.config.Transport;
import io.herald.proto.comet.v1.BroadcastRoomRequest;
import io.herald.proto.comet.v1.BroadcastRoomResponse;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.common.v1.Frame;
import io.herald.testkit.wire.Received;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.ProtocolVersion;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Comet on each network transport this machine has ({@code listen.transport}): TCP and
 * WebSocket clients of both protocol versions authenticate, heartbeat and get a room message
 * broadcast over the Comet's gRPC, on real sockets; the info meter names the transport.
 */
class CometTransportsIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @ParameterizedTest
  @EnumSource(
      value = Transport.class,
      names = {"IO_URING", "EPOLL", "NIO"})
  void tcpAndWebSocketClientsAreServed(Transport transport) throws Exception {
    Assumptions.assumeTrue(
        switch (transport) {
          case IO_URING -> IoUring.isAvailable();
          case EPOLL -> Epoll.isAvailable();
          default -> true;
        },
        transport.label() + " is not available here");
    StandInLogic logic = new StandInLogic();
    CometConfig config =
        TestConfigs.comet(
            "comet-" + transport.label(),
            yaml -> yaml.put("listen", "transport", transport.label()));
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CometServer server = new CometServer(config, Clock.systemUTC(), meters, () -> logic);
    server.start();
    ManagedChannel channel =
        Grpc.newChannelBuilder(
                "127.0.0.1:" + config.listen().grpcPort(), InsecureChannelCredentials.create())
            .build();
    List<WireClient> clients =
        List.of(
            WireClient.tcp(config.listen().tcpPort(), ProtocolVersion.V1),
            WireClient.tcp(config.listen().tcpPort(), ProtocolVersion.V2),
            WireClient.webSocket(config.listen().wsPort(), ProtocolVersion.V1),
            WireClient.webSocket(config.listen().wsPort(), ProtocolVersion.V2));
    try {
      for (WireClient client : clients) {
        client.auth(100, "", StandInLogic.ROOM).heartbeat();
      }

      BroadcastRoomResponse reply =
          CometGrpc.newBlockingStub(channel)
              .broadcastRoom(
                  BroadcastRoomRequest.newBuilder()
                      .setRoomId(StandInLogic.ROOM)
                      .addFrames(frame("one"))
                      .addFrames(frame("two"))
                      .build());

      assertThat(reply.getRecipients()).isEqualTo(clients.size());
      for (WireClient client : clients) {
        client.await(r -> r.op() == 1000 && r.text().equals("two"), WAIT, "the second message");
        assertThat(client.frames().stream().filter(r -> r.op() == 1000).map(Received::text))
            .containsExactly("one", "two");
      }
      assertThat(meters.get(CometInfo.INFO).tag("transport", transport.label()).gauge().value())
          .isEqualTo(1.0);
    } finally {
      clients.forEach(WireClient::close);
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.stop(Duration.ofSeconds(2));
    }
  }

  private static Frame.Builder frame(String body) {
    return Frame.newBuilder()
        .setOp(1000)
        .setBody(ByteString.copyFrom(body, StandardCharsets.UTF_8));
  }
}
