package io.herald.client.it;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herald.balancer.SelectionConfig;
import io.herald.balancer.server.BalancerConfig;
import io.herald.balancer.server.BalancerServer;
import io.herald.comet.config.CometConfig;
import io.herald.comet.server.CometServer;
import io.herald.logic.server.LogicConfig;
import io.herald.logic.server.LogicServer;
import io.herald.proto.comet.v1.BroadcastRoomRequest;
import io.herald.proto.comet.v1.CometGrpc;
import io.herald.proto.common.v1.Frame;
import io.herald.proto.common.v1.NodeAddress;
import io.herald.redis.RedisEndpoint;
import io.herald.registry.Registries;
import io.herald.registry.RegistryConfig;
import io.herald.testkit.FreePorts;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.CometPorts;
import io.herald.testkit.cluster.RoleConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real servers on real ports for the client's integration tests, in this JVM from the roles' test
 * configs ({@link RoleConfigs}): one Logic (trust auth, in-memory sessions, upstream messages to
 * its log), Comets in front of it, and a Balancer listing them. Everything started here is stopped
 * by {@link #close()}.
 */
final class Servers implements AutoCloseable {
  private final int logicGrpcPort;
  private final LogicServer logic;
  private final List<Comet> comets = new ArrayList<>();
  private final List<BalancerServer> balancers = new ArrayList<>();

  /** A started Comet, with a gRPC channel for pushing to it. */
  record Comet(String id, CometServer server, CometConfig config, ManagedChannel grpc) {
    String tcp() {
      return "127.0.0.1:" + config.listen().tcpPort();
    }

    String ws() {
      return "127.0.0.1:" + config.listen().wsPort();
    }

    NodeAddress address() {
      return NodeAddress.newBuilder().setServerId(id).setTcp(tcp()).setWs(ws()).build();
    }

    /** Pushes {@code bodies} as op-1000 frames to {@code room} in one call; the recipients. */
    int broadcastRoom(String room, String... bodies) {
      BroadcastRoomRequest.Builder request = BroadcastRoomRequest.newBuilder().setRoomId(room);
      for (String body : bodies) {
        request.addFrames(
            Frame.newBuilder().setOp(1000).setBody(ByteString.copyFromUtf8(body)).build());
      }
      return CometGrpc.newBlockingStub(grpc)
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .broadcastRoom(request.build())
          .getRecipients();
    }
  }

  Servers() {
    logicGrpcPort = FreePorts.next();
    // No broker: the tests push through the Comets' gRPC, not through Kafka.
    logic =
        new LogicServer(
            RoleConfigs.logic(Backends.inMemory(), FreePorts.next(), logicGrpcPort)
                .load(LogicConfig.class, LogicConfig.defaults(), "LOGIC"),
            Clock.systemUTC(),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    logic.start();
  }

  /** A new Comet on free ports, started. */
  Comet comet(String id) {
    CometConfig config =
        RoleConfigs.comet(Backends.inMemory(), id, CometPorts.free(), logicGrpcPort)
            .load(CometConfig.class, CometConfig.defaults(), "COMET");
    CometServer server =
        new CometServer(
            config, Clock.systemUTC(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    server.start();
    ManagedChannel grpc =
        Grpc.newChannelBuilder(
                "127.0.0.1:" + config.listen().grpcPort(), InsecureChannelCredentials.create())
            .build();
    Comet comet = new Comet(id, server, config, grpc);
    comets.add(comet);
    return comet;
  }

  /** A Balancer whose in-memory registry lists {@code listed}; its base URI. */
  URI balancer(List<Comet> listed) {
    List<RegistryConfig.StaticNode> nodes =
        listed.stream()
            .map(
                c ->
                    new RegistryConfig.StaticNode(
                        c.id(), "", null, null, 10, c.tcp(), c.ws(), "", "127.0.0.1:1", 10000L))
            .toList();
    RegistryConfig registry =
        new RegistryConfig(
            RegistryConfig.MEMORY,
            RedisEndpoint.local("unused"),
            Duration.ofSeconds(30),
            Duration.ofSeconds(10),
            Duration.ofMillis(500),
            nodes);
    SelectionConfig defaults = SelectionConfig.defaults();
    BalancerConfig config =
        new BalancerConfig(
            new BalancerConfig.Server("127.0.0.1", 0, List.of(), false),
            new SelectionConfig(
                defaults.limits(),
                defaults.regions(),
                "",
                Map.of(),
                "",
                defaults.heartbeat(),
                defaults.backoff()),
            registry);
    BalancerServer balancer =
        new BalancerServer(
            config,
            Registries.create(registry, Clock.systemUTC(), new SimpleMeterRegistry()),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    balancer.start();
    balancers.add(balancer);
    return URI.create("http://127.0.0.1:" + balancer.port());
  }

  @Override
  public void close() {
    balancers.forEach(BalancerServer::stop);
    for (Comet comet : comets) {
      try {
        comet.grpc().shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      comet.server().stop(Duration.ofSeconds(2));
    }
    logic.stop();
  }
}
