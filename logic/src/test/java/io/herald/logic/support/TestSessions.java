package io.herald.logic.support;

import io.herald.logic.inbox.InMemoryInbox;
import io.herald.logic.inbox.Inbox;
import io.herald.logic.inbox.InboxConfig;
import io.herald.logic.inbox.InboxMetrics;
import io.herald.logic.inbox.MeteredInbox;
import io.herald.logic.online.InMemoryOnlineStore;
import io.herald.logic.online.OnlineCounts;
import io.herald.logic.online.OnlineView;
import io.herald.logic.online.ServerOnline;
import io.herald.logic.room.InMemoryRoomIndex;
import io.herald.logic.room.RoomRoutes;
import io.herald.logic.session.InMemorySessionStore;
import io.herald.logic.session.Session;
import io.herald.logic.session.SessionStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Sessions and online counts for push tests: the standalone (in-memory) implementations, with
 * devices and Comet reports put in directly.
 */
public final class TestSessions {
  private TestSessions() {}

  /**
   * Room routes over an in-memory index in which {@code serverId} holds every room in {@code
   * rooms}.
   */
  public static RoomRoutes rooms(String serverId, String... rooms) {
    InMemoryRoomIndex index = new InMemoryRoomIndex(Clock.systemUTC(), Duration.ofMinutes(1));
    index.hold(serverId, List.of(rooms)).join();
    return new RoomRoutes(index, () -> false, new SimpleMeterRegistry());
  }

  /** An empty in-memory inbox with the default retention, metered into a throwaway registry. */
  public static Inbox inbox() {
    return inbox(Clock.systemUTC());
  }

  /** An empty in-memory inbox on {@code clock}, which ages its messages. */
  public static Inbox inbox(Clock clock) {
    InboxMetrics metrics = new InboxMetrics(new SimpleMeterRegistry());
    return new MeteredInbox(new InMemoryInbox(InboxConfig.defaults(), clock, metrics), metrics);
  }

  public static SessionStore memory() {
    return new InMemorySessionStore(Clock.systemUTC(), Duration.ofMinutes(15));
  }

  public static void put(SessionStore store, long mid, String key, String serverId) {
    store.put(new Session(mid, key, serverId, 1L, 1, "web")).join();
  }

  /**
   * Two Comets' reports: {@code live://1000} 12 (10 + 2), {@code live://1001} 3, {@code chat://7}
   * 5; 20 connections from 4 IPs.
   */
  public static OnlineView online() {
    Clock clock = Clock.systemUTC();
    OnlineCounts counts =
        new OnlineCounts(
            new InMemoryOnlineStore(clock, Duration.ofMinutes(1)),
            Duration.ofSeconds(10),
            new SimpleMeterRegistry());
    counts.apply(
        new ServerOnline(
            "comet-1", 1, Map.of("live://1000", 10, "chat://7", 5), 15, 3, clock.millis()));
    counts.apply(
        new ServerOnline(
            "comet-2", 1, Map.of("live://1000", 2, "live://1001", 3), 5, 1, clock.millis()));
    return counts;
  }
}
