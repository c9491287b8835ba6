package io.herald.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;

/** The extension behind {@link RealRedisCluster}. */
final class RedisClusterExtension
    extends RealServerExtension<RedisClusterInstance, RedisClusterServer> {

  RedisClusterExtension() {
    super(
        RedisClusterInstance.class,
        RedisClusterServer.class,
        "Redis Cluster",
        "Install it with `apt-get install -y redis-server` (the testkit runs redis-server and"
            + " redis-cli from the PATH; version 7 or later, for --cluster-port).");
  }

  @Override
  RedisClusterInstance start(TestEnvironment env) throws StartupFailure {
    return RedisClusterInstance.start();
  }

  @Override
  View<RedisClusterServer> open(RedisClusterInstance cluster, ExtensionContext context) {
    RedisClusterServer view =
        new RedisClusterServer(cluster, "test:" + UniqueNames.next(context) + ":");
    return new View<>(view, cluster::heal);
  }
}
