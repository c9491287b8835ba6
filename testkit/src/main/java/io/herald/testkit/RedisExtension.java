package io.herald.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;

/** The extension behind {@link RealRedis}. */
final class RedisExtension extends RealServerExtension<RedisInstance, RedisServer> {

  RedisExtension() {
    super(
        RedisInstance.class,
        RedisServer.class,
        "Redis",
        "Install it with `apt-get install -y redis-server` (the testkit runs redis-server from the"
            + " PATH), or set "
            + TestEnvironment.REDIS_URL
            + " (e.g. redis://127.0.0.1:6379) to use a running server.");
  }

  @Override
  RedisInstance start(TestEnvironment env) throws StartupFailure {
    return RedisInstance.connect(env);
  }

  @Override
  View<RedisServer> open(RedisInstance server, ExtensionContext context) {
    RedisServer view =
        new RedisServer(
            server.host(), server.port(), server.uri(), "test:" + UniqueNames.next(context) + ":");
    return new View<>(view, () -> {});
  }
}
