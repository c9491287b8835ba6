package io.herald.registry;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The registry's Redis key layout. Every key carries the hash tag {@code {<prefix>}}, so they share
 * one cluster slot and a script may touch them together:
 *
 * <ul>
 *   <li>{@code {<prefix>}:node:<serverId>}: the Comet's {@code CometNode} as protobuf bytes, set
 *       with {@code PX ttl} on every renewal;
 *   <li>{@code {<prefix>}:nodes}: the set of server ids that may have a record. Writers add on
 *       register and remove on deregister; readers remove ids whose record has expired.
 * </ul>
 */
record RedisKeys(String prefix) {

  /**
   * Removes from the index (the last key) each id in ARGV whose record (the key at the same
   * position) no longer exists, checking and removing atomically so a record written between a
   * reader's MGET and this script keeps its id. Returns how many ids it removed.
   */
  static final String PRUNE_SCRIPT =
      """
      local removed = 0
      for i, id in ipairs(ARGV) do
        if redis.call('EXISTS', KEYS[i]) == 0 then
          removed = removed + redis.call('SREM', KEYS[#KEYS], id)
        end
      end
      return removed
      """;

  String index() {
    return "{" + prefix + "}:nodes";
  }

  String node(String serverId) {
    return "{" + prefix + "}:node:" + serverId;
  }

  /** The record keys of {@code serverIds}, then the index: the KEYS of {@link #PRUNE_SCRIPT}. */
  String[] pruneKeys(List<String> serverIds) {
    String[] keys = new String[serverIds.size() + 1];
    for (int i = 0; i < serverIds.size(); i++) {
      keys[i] = node(serverIds.get(i));
    }
    keys[serverIds.size()] = index();
    return keys;
  }

  static byte[] member(String serverId) {
    return serverId.getBytes(StandardCharsets.UTF_8);
  }

  static String serverId(byte[] member) {
    return new String(member, StandardCharsets.UTF_8);
  }
}
