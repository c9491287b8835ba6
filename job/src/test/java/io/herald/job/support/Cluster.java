package io.herald.job.support;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herald.comet.config.CometConfig;
import io.herald.comet.server.CometServer;
import io.herald.job.config.JobConfig;
import io.herald.job.server.JobServer;
import io.herald.logic.server.LogicConfig;
import io.herald.logic.server.LogicServer;
import io.herald.proto.push.v1.PushAllRequest;
import io.herald.proto.push.v1.PushGrpc;
import io.herald.proto.push.v1.PushMidsRequest;
import io.herald.proto.push.v1.PushRoomRequest;
import io.herald.testkit.FreePorts;
import io.herald.testkit.KafkaBroker;
import io.herald.testkit.RedisServer;
import io.herald.testkit.cluster.Backends;
import io.herald.testkit.cluster.CometPorts;
import io.herald.testkit.cluster.RoleConfigs;
import io.herald.testkit.cluster.RoleYaml;
import io.herald.testkit.wire.WireClient;
import io.herald.wire.ProtocolVersion;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * The real parts around Job, in this JVM on real ports, from the roles' test configs ({@link
 * RoleConfigs}): Logic (sessions in a real Redis, pushes into a real Kafka topic), Comets
 * registered in the Redis registry, and Jobs reading both. In this JVM because the tests read what
 * only a running {@link JobServer} tells: its meters as they change, and when its dispatcher is
 * idle. Everything it starts, {@link #close()} stops, in reverse order.
 */
public final class Cluster implements AutoCloseable {
  private final Backends backends;
  private final Deque<Runnable> stops = new ArrayDeque<>();

  public Cluster(RedisServer redis, KafkaBroker kafka) {
    this.backends =
        new Backends(
            redis.uri(),
            redis.keyPrefix() + "s",
            kafka.bootstrapServers(),
            "",
            "",
            new Backends.Registry("5s", "500ms", "200ms"));
  }

  /** A Logic on free ports publishing pushes to {@code topic}, with its push API client. */
  public Logic logic(String topic) {
    int grpcPort = FreePorts.next();
    LogicServer server =
        new LogicServer(
            RoleConfigs.logic(backends.withTopic(topic, ""), FreePorts.next(), grpcPort)
                .load(LogicConfig.class, LogicConfig.defaults(), "LOGIC"),
            Clock.systemUTC(),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    server.start();
    stops.push(server::stop);
    ManagedChannel channel =
        Grpc.newChannelBuilder("127.0.0.1:" + grpcPort, InsecureChannelCredentials.create())
            .build();
    stops.push(
        () -> {
          try {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    return new Logic(server, grpcPort, PushGrpc.newBlockingStub(channel));
  }

  /** A Logic and the client of its push API. */
  public record Logic(LogicServer server, int grpcPort, PushGrpc.PushBlockingStub pushes) {
    public long pushMids(String body, long... mids) {
      PushMidsRequest.Builder request =
          PushMidsRequest.newBuilder().setOp(1000).setBody(ByteString.copyFromUtf8(body));
      for (long mid : mids) {
        request.addMids(mid);
      }
      return pushes.pushMids(request.build()).getMessageId();
    }

    public void pushRoom(String room, String body) {
      pushes.pushRoom(
          PushRoomRequest.newBuilder()
              .setOp(1000)
              .setType("live")
              .setRoom(room)
              .setBody(ByteString.copyFromUtf8(body))
              .build());
    }

    public void pushAll(int speed, String body) {
      pushes.pushAll(
          PushAllRequest.newBuilder()
              .setOp(1000)
              .setSpeed(speed)
              .setBody(ByteString.copyFromUtf8(body))
              .build());
    }
  }

  /**
   * A Comet {@code serverId} on free ports, calling {@code logic}, registered in the Redis
   * registry; with {@code grpcAddress} non-empty it registers that address for Job to call instead
   * of its own gRPC port (a proxy in front of it).
   */
  public Comet comet(String serverId, Logic logic, String grpcAddress) {
    return comet(serverId, logic, grpcAddress, FreePorts.next());
  }

  /** The same, its gRPC service on {@code grpcPort}. */
  public Comet comet(String serverId, Logic logic, String grpcAddress, int grpcPort) {
    CometPorts ports =
        new CometPorts(FreePorts.next(), FreePorts.next(), grpcPort, FreePorts.next());
    RoleYaml yaml = RoleConfigs.comet(backends, serverId, ports, logic.grpcPort());
    if (!grpcAddress.isEmpty()) {
      yaml.set(
          "node",
          "{serverId: " + serverId + ", capacity: 10000, grpcAddress: '" + grpcAddress + "'}");
    }
    CometServer server =
        new CometServer(
            yaml.load(CometConfig.class, CometConfig.defaults(), "COMET"),
            Clock.systemUTC(),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    server.start();
    stops.push(() -> server.stop(Duration.ofSeconds(2)));
    return new Comet(serverId, server, ports.tcp(), ports.ws(), grpcPort);
  }

  /** A running Comet and its ports. */
  public record Comet(String serverId, CometServer server, int tcpPort, int wsPort, int grpcPort) {
    public WireClient tcp(ProtocolVersion version) {
      return WireClient.tcp(tcpPort, version);
    }

    public WireClient webSocket(ProtocolVersion version) {
      return WireClient.webSocket(wsPort, version);
    }

    public String grpcAddress() {
      return "127.0.0.1:" + grpcPort;
    }
  }

  /**
   * A started Job consuming {@code topic} as {@code group}, with short intervals for tests and
   * {@code kafkaKeys} ({@code "instanceId", "job-1"}...) added to its {@code kafka} section. The
   * group membership timeouts are Job's defaults.
   */
  public JobServer job(String topic, String group, String... kafkaKeys) {
    RoleYaml yaml =
        RoleConfigs.job(backends.withTopic(topic, group), FreePorts.next())
            .put("kafka", "revokeTimeout", "5s");
    for (int i = 0; i + 1 < kafkaKeys.length; i += 2) {
      yaml.put("kafka", kafkaKeys[i], kafkaKeys[i + 1]);
    }
    JobServer job =
        new JobServer(
            yaml.load(JobConfig.class, JobConfig.defaults(), "JOB"),
            Clock.systemUTC(),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    job.start();
    stops.push(job::stop);
    return job;
  }

  /** Registers {@code stop} to run at {@link #close()}, before what was started earlier. */
  public void onClose(Runnable stop) {
    stops.push(stop);
  }

  @Override
  public void close() {
    while (!stops.isEmpty()) {
      try {
        stops.pop().run();
      } catch (RuntimeException e) {
        // keep stopping the rest
      }
    }
  }
}
