package io.herald.testkit.cluster;

/**
 * Each role's config for tests, in one place: every listener on 127.0.0.1, trust authentication, no
 * push token, timers short enough for tests, and the {@link Backends} the roles share. Tests start
 * roles from these as processes ({@link HeraldCluster}) or, inside a role's own module, load them
 * into the role's config record and start it in their JVM; either way they change what they need
 * with {@link RoleYaml#set}.
 */
public final class RoleConfigs {
  private RoleConfigs() {}

  /** Logic on {@code httpPort} and {@code grpcPort}. */
  public static RoleYaml logic(Backends backends, int httpPort, int grpcPort) {
    RoleYaml yaml =
        new RoleYaml()
            .set(
                "server",
                "{host: 127.0.0.1, httpPort: " + httpPort + ", grpcPort: " + grpcPort + "}")
            .set("auth", "{mode: trust, allowTrust: true}");
    if (backends.hasRedis()) {
      yaml.block(
          "store",
          "backend: redis",
          "redis: {uri: '"
              + backends.redisUri()
              + "', keyPrefix: '"
              + backends.keyPrefix()
              + "', timeout: 1s"
              + backends.redisModeKeys()
              + "}",
          "onlineTtl: 3s",
          "onlineRefresh: 500ms",
          "checkInterval: 200ms");
    } else {
      yaml.set("store", "{backend: memory}");
    }
    String kafka = backends.hasKafka() ? backends.kafka() : "127.0.0.1:1";
    String topic = backends.hasKafka() ? backends.topic() : "herald-push";
    return yaml.block(
            "push",
            "kafka: {bootstrapServers: '" + kafka + "', topic: " + topic + "}",
            "api: {requireToken: false}")
        .set("receive", "{sink: log}")
        .set("registry", registry(backends));
  }

  /** A Comet {@code serverId} on {@code ports}, calling the Logic at {@code logicGrpcPort}. */
  public static RoleYaml comet(
      Backends backends, String serverId, CometPorts ports, int logicGrpcPort) {
    return new RoleYaml()
        .set(
            "node",
            "{serverId: "
                + serverId
                + ", capacity: 10000, grpcAddress: '127.0.0.1:"
                + ports.grpc()
                + "'}")
        .block(
            "listen",
            "host: 127.0.0.1",
            "tcpPort: " + ports.tcp(),
            "wsPort: " + ports.ws(),
            "wssPort: 0",
            "grpcPort: " + ports.grpc(),
            "adminPort: " + ports.admin())
        .set("logic", "{target: '127.0.0.1:" + logicGrpcPort + "'}")
        .set("onlineReport", "200ms")
        .set("drain", "2s")
        .set("registry", registry(backends));
  }

  /** Job on {@code port}, consuming the push topic as the backends' group. */
  public static RoleYaml job(Backends backends, int port) {
    return new RoleYaml()
        .set("server", "{host: 127.0.0.1, port: " + port + "}")
        .block(
            "kafka",
            "bootstrapServers: '" + backends.kafka() + "'",
            "topic: " + backends.topic(),
            "groupId: " + backends.groupId(),
            "commitInterval: 200ms")
        .set("registry", registry(backends))
        .set("delivery", "{initialBackoff: 50ms, maxBackoff: 500ms}");
  }

  /** A Balancer on {@code port}. */
  public static RoleYaml balancer(Backends backends, int port) {
    return new RoleYaml()
        .set("server", "{host: 127.0.0.1, port: " + port + "}")
        .set("registry", registry(backends));
  }

  /** IdGen on {@code port}, its segments in the database at {@code jdbcUrl}. */
  public static RoleYaml idgen(int port, String jdbcUrl, String user, String password) {
    return new RoleYaml()
        .set("server", "{host: 127.0.0.1, port: " + port + "}")
        .block(
            "database",
            "url: '" + jdbcUrl + "'",
            "user: '" + user + "'",
            "password: '" + password + "'");
  }

  /** The registry section: Redis under {@code keyPrefix:registry}, or in memory. */
  public static String registry(Backends backends) {
    if (!backends.hasRedis()) {
      return "{backend: memory}";
    }
    Backends.Registry timings = backends.registry();
    return "\n  backend: redis"
        + "\n  redis: {uri: '"
        + backends.redisUri()
        + "', keyPrefix: '"
        + backends.keyPrefix()
        + ":registry', timeout: 1s"
        + backends.redisModeKeys()
        + "}"
        + "\n  ttl: "
        + timings.ttl()
        + "\n  renewInterval: "
        + timings.renewInterval()
        + "\n  pollInterval: "
        + timings.pollInterval();
  }
}
