package io.herald.logic.store;

import io.herald.logic.inbox.InMemoryInbox;
import io.herald.logic.inbox.Inbox;
import io.herald.logic.inbox.InboxConfig;
import io.herald.logic.inbox.InboxMetrics;
import io.herald.logic.inbox.MeteredInbox;
import io.herald.logic.inbox.RedisInbox;
import io.herald.logic.online.InMemoryOnlineStore;
import io.herald.logic.online.OnlineStore;
import io.herald.logic.online.RedisOnlineStore;
import io.herald.logic.redis.RedisConnection;
import io.herald.logic.redis.RedisOp;
import io.herald.logic.redis.RedisScript;
import io.herald.logic.room.InMemoryRoomIndex;
import io.herald.logic.room.RedisRoomIndex;
import io.herald.logic.room.RoomIndex;
import io.herald.logic.session.InMemorySessionStore;
import io.herald.logic.session.RedisSessionStore;
import io.herald.logic.session.SessionStore;
import io.lettuce.core.ScriptOutputType;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The session store, the online store, the room index and the users' inboxes a {@link StoreConfig}
 * asks for (the inbox follows {@code store.backend}; its retention is {@link InboxConfig}). On
 * Redis they share one connection, which {@link #start()} opens and {@link #stop()} closes (both
 * idempotent); in memory there is nothing to start. The stores fail their calls until started.
 */
public final class StoreBackend {
  /**
   * KEYS: the incarnation key. ARGV: a fresh incarnation. Returns the stored incarnation, storing
   * ARGV[1] first if there is none (the store is new, or lost what it held).
   */
  private static final RedisScript INCARNATION =
      new RedisScript(
          """
          local current = redis.call('GET', KEYS[1])
          if current then
            return current
          end
          redis.call('SET', KEYS[1], ARGV[1])
          return ARGV[1]
          """,
          ScriptOutputType.VALUE);

  private final SessionStore sessions;
  private final OnlineStore online;
  private final RoomIndex rooms;
  private final Inbox inbox;
  private final Supplier<CompletableFuture<String>> incarnation;
  private final RedisConnection connection;

  private StoreBackend(
      SessionStore sessions,
      OnlineStore online,
      RoomIndex rooms,
      Inbox inbox,
      Supplier<CompletableFuture<String>> incarnation,
      RedisConnection connection) {
    this.sessions = sessions;
    this.online = online;
    this.rooms = rooms;
    this.inbox = inbox;
    this.incarnation = incarnation;
    this.connection = connection;
  }

  /** Builds the stores without connecting, with the default inbox retention. */
  public static StoreBackend create(StoreConfig config, Clock clock, MeterRegistry meters) {
    return create(config, InboxConfig.defaults(), clock, meters);
  }

  /** Builds the stores without connecting. */
  public static StoreBackend create(
      StoreConfig config, InboxConfig inbox, Clock clock, MeterRegistry meters) {
    InboxMetrics inboxMetrics = new InboxMetrics(meters);
    return switch (config.backend()) {
      case StoreConfig.REDIS -> {
        RedisConnection connection = new RedisConnection(config.redis(), meters);
        String key = connection.keyPrefix() + ":incarnation";
        yield new StoreBackend(
            new RedisSessionStore(connection, config.sessionTtl(), config.purgeBatch(), meters),
            new RedisOnlineStore(connection, config.onlineTtl()),
            new RedisRoomIndex(connection, config.onlineTtl(), clock),
            new MeteredInbox(new RedisInbox(connection, inbox, clock, inboxMetrics), inboxMetrics),
            () ->
                connection.run(
                    RedisOp.INCARNATION,
                    commands ->
                        INCARNATION.<String>run(
                            commands, new String[] {key}, UUID.randomUUID().toString())),
            connection);
      }
      case StoreConfig.MEMORY -> {
        CompletableFuture<String> forever =
            CompletableFuture.completedFuture(UUID.randomUUID().toString());
        yield new StoreBackend(
            new InMemorySessionStore(clock, config.sessionTtl()),
            new InMemoryOnlineStore(clock, config.onlineTtl()),
            new InMemoryRoomIndex(clock, config.onlineTtl()),
            new MeteredInbox(new InMemoryInbox(inbox, clock, inboxMetrics), inboxMetrics),
            () -> forever,
            null);
      }
      default -> throw new IllegalArgumentException("backend: " + config.backend());
    };
  }

  public SessionStore sessions() {
    return sessions;
  }

  public OnlineStore online() {
    return online;
  }

  public RoomIndex rooms() {
    return rooms;
  }

  /** Every user's inbox of stored messages, metered. */
  public Inbox inbox() {
    return inbox;
  }

  /**
   * Names what the store holds now: the same value for as long as it keeps its contents, a new one
   * once it lost them (emptied, or replaced by a server without the data). Reading it is also a
   * round trip to the store, which tells whether the store answers.
   */
  public CompletableFuture<String> incarnation() {
    return incarnation.get();
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
