package io.herald.logic.push;

import io.herald.logic.inbox.InboxPosition;
import io.herald.logic.session.Session;
import io.herald.proto.queue.v1.PushMsg;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The records one push to keys or mids becomes: one per Comet holding some of the targets (a room
 * or a broadcast is one record).
 */
final class PushRecords {
  private PushRecords() {}

  /** One KEYS record per Comet holding some of {@code keys}, in order of first appearance. */
  static List<PushMsg> byServer(
      PushMsg template, Collection<String> keys, Map<String, Session> live) {
    Map<String, Set<String>> keysByServer = new LinkedHashMap<>();
    for (String key : keys) {
      Session session = live.get(key);
      if (session != null) {
        keysByServer.computeIfAbsent(session.serverId(), s -> new LinkedHashSet<>()).add(key);
      }
    }
    List<PushMsg> records = new ArrayList<>(keysByServer.size());
    keysByServer.forEach(
        (server, serverKeys) ->
            records.add(template.toBuilder().setServerId(server).addAllKeys(serverKeys).build()));
    return records;
  }

  /**
   * One MIDS record per Comet holding devices of {@code mids}: the devices' keys there and the mids
   * they belong to.
   */
  static List<PushMsg> byServerOfMids(
      PushMsg template, Collection<Long> mids, Map<Long, List<Session>> live) {
    Map<String, Set<String>> keysByServer = new LinkedHashMap<>();
    Map<String, Set<Long>> midsByServer = new LinkedHashMap<>();
    for (Long mid : mids) {
      for (Session session : live.getOrDefault(mid, List.of())) {
        keysByServer
            .computeIfAbsent(session.serverId(), s -> new LinkedHashSet<>())
            .add(session.key());
        midsByServer.computeIfAbsent(session.serverId(), s -> new LinkedHashSet<>()).add(mid);
      }
    }
    List<PushMsg> records = new ArrayList<>(keysByServer.size());
    keysByServer.forEach(
        (server, serverKeys) ->
            records.add(
                template.toBuilder()
                    .setServerId(server)
                    .addAllKeys(serverKeys)
                    .addAllMids(midsByServer.get(server))
                    .build()));
    return records;
  }

  /**
   * The live sessions of {@code keys}, by the user they belong to, in order of first appearance.
   */
  static Map<Long, List<Session>> usersOfKeys(Collection<String> keys, Map<String, Session> live) {
    Map<Long, List<Session>> users = new LinkedHashMap<>();
    for (String key : keys) {
      Session session = live.get(key);
      if (session != null) {
        users.computeIfAbsent(session.mid(), mid -> new ArrayList<>()).add(session);
      }
    }
    return users;
  }

  /**
   * For a stored push: one record per (user, Comet) holding some of the user's {@code sessions},
   * with {@code mids = [mid]} and the message's epoch and seq in that user's inbox. Users with no
   * session get no record (their inbox has the message).
   */
  static List<PushMsg> stored(
      PushMsg template, Map<Long, List<Session>> sessions, Map<Long, InboxPosition> positions) {
    List<PushMsg> records = new ArrayList<>();
    positions.forEach(
        (mid, position) -> {
          Map<String, Set<String>> keysByServer = new LinkedHashMap<>();
          for (Session session : sessions.getOrDefault(mid, List.of())) {
            keysByServer
                .computeIfAbsent(session.serverId(), s -> new LinkedHashSet<>())
                .add(session.key());
          }
          keysByServer.forEach(
              (server, keys) ->
                  records.add(
                      template.toBuilder()
                          .setServerId(server)
                          .addAllKeys(keys)
                          .addMids(mid)
                          .setInboxEpoch(position.epoch())
                          .setInboxSeq(position.seq())
                          .build()));
        });
    return records;
  }
}
