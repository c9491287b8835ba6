package io.herald.logic.online;

import java.util.Map;

/**
 * One Comet's latest online report ({@code Logic.RenewOnline}).
 *
 * @param serverId the Comet
 * @param epoch its start time, Unix ms
 * @param roomCounts room id ({@code type://id}) to members on that Comet
 * @param connections open connections
 * @param clientIps distinct client IPs among them
 * @param reportedAtMillis when Logic received the report, Unix ms
 */
public record ServerOnline(
    String serverId,
    long epoch,
    Map<String, Integer> roomCounts,
    long connections,
    long clientIps,
    long reportedAtMillis) {
  public ServerOnline {
    roomCounts = Map.copyOf(roomCounts);
  }
}
