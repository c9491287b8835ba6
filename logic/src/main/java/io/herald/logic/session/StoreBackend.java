package io.herald.logic.session;

import io.herald.logic.online.InMemoryOnlineStore;
import io.herald.logic.online.OnlineStore;
import io.herald.logic.online.RedisOnlineStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * The session store and the online store a {@link StoreConfig} asks for. On Redis both share one
 * connection, which {@link #start()} opens and {@link #stop()} closes (both idempotent); in memory
 * there is nothing to start. The stores fail their calls until started.
 */
public final class StoreBackend {
  private final SessionStore sessions;
  private final OnlineStore online;
  private final RedisConnection connection;

  private StoreBackend(SessionStore sessions, OnlineStore online, RedisConnection connection) {
    this.sessions = sessions;
    this.online = online;
    this.connection = connection;
  }

  /** Builds the stores without connecting. */
  public static StoreBackend create(StoreConfig config, Clock clock, MeterRegistry meters) {
    return switch (config.backend()) {
      case StoreConfig.REDIS -> {
        RedisConnection connection = new RedisConnection(config.redis(), meters);
        yield new StoreBackend(
            new RedisSessionStore(connection, config.sessionTtl(), config.purgeBatch(), meters),
            new RedisOnlineStore(connection, config.onlineTtl()),
            connection);
      }
      case StoreConfig.MEMORY ->
          new StoreBackend(
              new InMemorySessionStore(clock, config.sessionTtl()),
              new InMemoryOnlineStore(clock, config.onlineTtl()),
              null);
      default -> throw new IllegalArgumentException("backend: " + config.backend());
    };
  }

  public SessionStore sessions() {
    return sessions;
  }

  public OnlineStore online() {
    return online;
  }

  public void start() {
    if (connection != null) {
      connection.start();
    }
  }

  public void stop() {
    if (connection != null) {
      connection.stop();
    }
  }
}
