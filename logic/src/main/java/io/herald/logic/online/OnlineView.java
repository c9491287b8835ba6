package io.herald.logic.online;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Cluster-wide online counts, summed over every Comet's latest report and refreshed in the
 * background, so reads are from memory. Room ids are {@code type://id}.
 */
public interface OnlineView {

  /** Members of {@code room} across the cluster; 0 if none. */
  long roomCount(String room);

  /** Cluster-wide count of each room any Comet reports. */
  Map<String, Long> roomCounts();

  /** The {@code limit} largest rooms of {@code type} ({@code live} for {@code live://...}). */
  List<RoomCount> top(String type, int limit);

  /** The count of each of {@code ids} of rooms of {@code type} (0 for unknown rooms). */
  Map<String, Long> rooms(String type, Collection<String> ids);

  /** Connections and distinct client IPs across the cluster. */
  Totals totals();

  /**
   * Each Comet's connections and distinct client IPs from its latest report, by server id; Comets
   * that have not reported are absent.
   */
  Map<String, Totals> servers();

  /** One room's id (without the type) and count, as goim's online/top answers. */
  record RoomCount(String roomId, long count) {}

  /** goim's online/total; also one Comet's share of it. */
  record Totals(long ipCount, long connCount) {}
}
