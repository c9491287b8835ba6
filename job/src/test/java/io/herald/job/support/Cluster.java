package io.herald.job.support;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.herald.comet.config.CometConfig;
import io.herald.comet.server.CometServer;
import io.herald.config.ConfigLoader;
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
import io.herald.testkit.wire.WireClient;
import io.herald.wire.ProtocolVersion;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real parts around Job, on real ports: Logic (sessions in a real Redis, pushes into a real
 * Kafka topic), Comets registered in the Redis registry, and Jobs reading both. Everything it
 * starts, {@link #close()} stops, in reverse order.
 */
public final class Cluster implements AutoCloseable {
  private final RedisServer redis;
  private final KafkaBroker kafka;
  private final Path dir;
  private final String registryPrefix;
  private final Deque<Runnable> stops = new ArrayDeque<>();

  public Cluster(RedisServer redis, KafkaBroker kafka, Path dir) {
    this.redis = redis;
    this.kafka = kafka;
    this.dir = dir;
    this.registryPrefix = redis.keyPrefix() + "registry";
  }

  /** A Logic on free ports publishing pushes to {@code topic}, with its push API client. */
  public Logic logic(String topic) {
    int httpPort = FreePorts.next();
    int grpcPort = FreePorts.next();
    Path file =
        write(
            "logic-" + grpcPort + ".yaml",
            "server: {host: 127.0.0.1, httpPort: " + httpPort + ", grpcPort: " + grpcPort + "}",
            "auth: {mode: trust, allowTrust: true}",
            "store:",
            "  backend: redis",
            "  redis: {uri: '" + redis.uri() + "', keyPrefix: '" + redis.keyPrefix() + "s'}",
            "push:",
            "  kafka: {bootstrapServers: '" + kafka.bootstrapServers() + "', topic: " + topic + "}",
            "  api: {requireToken: false}",
            registry());
    LogicServer server =
        new LogicServer(
            new ConfigLoader<>(LogicConfig.class, LogicConfig.defaults(), "LOGIC")
                .load(file, Map.of())
                .config(),
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
    int tcpPort = FreePorts.next();
    int wsPort = FreePorts.next();
    Path file =
        write(
            serverId + ".yaml",
            "node: {serverId: "
                + serverId
                + ", capacity: 10000, grpcAddress: '"
                + grpcAddress
                + "'}",
            "listen: {host: 127.0.0.1, tcpPort: "
                + tcpPort
                + ", wsPort: "
                + wsPort
                + ", grpcPort: "
                + grpcPort
                + "}",
            "logic: {target: '127.0.0.1:" + logic.grpcPort() + "'}",
            "onlineReport: 200ms",
            registry());
    CometConfig config =
        new ConfigLoader<>(CometConfig.class, CometConfig.defaults(), "COMET")
            .load(file, Map.of())
            .config();
    CometServer server =
        new CometServer(
            config, Clock.systemUTC(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    server.start();
    stops.push(() -> server.stop(Duration.ofSeconds(2)));
    return new Comet(serverId, server, tcpPort, wsPort, grpcPort);
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
   * A Job config file consuming {@code topic} as {@code group} on the HTTP port {@code port}, with
   * short intervals for tests, and {@code kafkaKeys} ({@code "instanceId: job-1"}...) added to its
   * {@code kafka} section. The group membership timeouts are Job's defaults: what a restart costs
   * is under test.
   */
  public Path jobConfig(String topic, String group, int port, String... kafkaKeys) {
    List<String> lines = new ArrayList<>();
    lines.add("server: {host: 127.0.0.1, port: " + port + "}");
    lines.add("kafka:");
    lines.add("  bootstrapServers: '" + kafka.bootstrapServers() + "'");
    lines.add("  topic: " + topic);
    lines.add("  groupId: " + group);
    lines.add("  commitInterval: 200ms");
    lines.add("  revokeTimeout: 5s");
    for (String key : kafkaKeys) {
      lines.add("  " + key);
    }
    lines.add(registry());
    lines.add("delivery: {initialBackoff: 50ms, maxBackoff: 500ms}");
    return write("job-" + port + ".yaml", lines.toArray(String[]::new));
  }

  /** A started in-process Job from {@link #jobConfig}. */
  public JobServer job(Path config) {
    JobServer job =
        new JobServer(
            new ConfigLoader<>(JobConfig.class, JobConfig.defaults(), "JOB")
                .load(config, Map.of())
                .config(),
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

  private String registry() {
    return String.join(
        "\n",
        "registry:",
        "  backend: redis",
        "  redis: {uri: '" + redis.uri() + "', keyPrefix: '" + registryPrefix + "'}",
        "  ttl: 5s",
        "  renewInterval: 500ms",
        "  pollInterval: 200ms");
  }

  private Path write(String name, String... lines) {
    Path file = dir.resolve(name);
    try {
      Files.writeString(file, String.join("\n", List.of(lines)) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
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
