package io.herald.logic.online;

import io.herald.logic.online.OnlineView.Totals;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest report of each Comet and their sums. Writers take the lock and update the sums by the
 * difference a report makes (work in proportion to that Comet's rooms, not to all rooms); readers
 * read the sums without a lock and may see one report half applied, which counts tolerate.
 *
 * <p>Every report applied directly gets a sequence number, so a refresh from the store can keep the
 * reports that arrived while it was reading.
 */
final class OnlineTally {
  private record Held(ServerOnline online, long sequence) {}

  private final Map<String, Held> servers = new HashMap<>();
  private final Map<String, Long> rooms = new ConcurrentHashMap<>();
  private volatile Totals totals = new Totals(0, 0);
  private long sequence;

  /** Marks the start of a read from the store; pass it to {@link #replace}. */
  synchronized long mark() {
    return sequence;
  }

  /** Applies a fresh report, unless the Comet's report held is from a newer epoch. */
  synchronized boolean apply(ServerOnline report) {
    Held held = servers.get(report.serverId());
    if (held != null && held.online().epoch() > report.epoch()) {
      return false;
    }
    put(report, ++sequence);
    return true;
  }

  /**
   * Replaces the reports with those read from the store, except the reports applied since {@code
   * mark}: they are newer than what the store returned. Comets the store no longer lists drop out.
   */
  synchronized void replace(List<ServerOnline> reports, long mark) {
    Map<String, ServerOnline> read = new HashMap<>();
    reports.forEach(report -> read.put(report.serverId(), report));
    for (Held held : List.copyOf(servers.values())) {
      String id = held.online().serverId();
      if (!read.containsKey(id) && held.sequence() <= mark) {
        servers.remove(id);
        add(held.online(), -1);
      }
    }
    read.forEach(
        (id, report) -> {
          Held held = servers.get(id);
          if (held == null || held.sequence() <= mark) {
            put(report, mark);
          }
        });
    totals = sumTotals();
  }

  /** Comet id → when its report held was received (Unix ms). */
  synchronized Map<String, Long> reportedAt() {
    Map<String, Long> at = new HashMap<>();
    servers.forEach((id, held) -> at.put(id, held.online().reportedAtMillis()));
    return Map.copyOf(at);
  }

  long roomCount(String room) {
    return rooms.getOrDefault(room, 0L);
  }

  Map<String, Long> rooms() {
    return rooms;
  }

  Totals totals() {
    return totals;
  }

  /** Each Comet's latest connections and client IPs; a copy. */
  synchronized Map<String, Totals> servers() {
    Map<String, Totals> servers = new HashMap<>();
    this.servers.forEach(
        (id, held) ->
            servers.put(id, new Totals(held.online().clientIps(), held.online().connections())));
    return Map.copyOf(servers);
  }

  private void put(ServerOnline report, long at) {
    Held old = servers.put(report.serverId(), new Held(report, at));
    if (old != null) {
      add(old.online(), -1);
    }
    add(report, 1);
    totals = sumTotals();
  }

  private void add(ServerOnline report, int sign) {
    report
        .roomCounts()
        .forEach(
            (room, count) ->
                rooms.compute(
                    room,
                    (r, sum) -> {
                      long next = (sum == null ? 0 : sum) + (long) sign * count;
                      return next == 0 ? null : next;
                    }));
  }

  private Totals sumTotals() {
    long ips = 0;
    long connections = 0;
    for (Held held : servers.values()) {
      ips += held.online().clientIps();
      connections += held.online().connections();
    }
    return new Totals(ips, connections);
  }
}
