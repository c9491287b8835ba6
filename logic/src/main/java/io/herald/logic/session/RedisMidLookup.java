package io.herald.logic.session;

import io.herald.logic.redis.RedisConnection;
import io.herald.logic.redis.RedisOp;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the sessions of mids: reads each mid's hash, then the record of every device key in them,
 * and lists a device only if its record still exists and belongs to that mid. An entry whose record
 * has expired, or now belongs to another user, is dropped from the hash in the background (and, if
 * expired, from its Comet's set), so a mid's hash never lists dead devices for long even while its
 * other devices keep the hash alive.
 */
final class RedisMidLookup {
  private static final Logger log = LoggerFactory.getLogger(RedisMidLookup.class);

  private final RedisConnection redis;
  private final RedisSessionKeys keys;

  RedisMidLookup(RedisConnection redis, RedisSessionKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /** A mid hash entry whose record is gone ({@code expired}) or belongs to another mid. */
  private record DeadEntry(long mid, String key, String entry, boolean expired) {}

  CompletableFuture<Map<Long, List<Session>>> sessionsOfMids(Collection<Long> mids) {
    List<Long> distinct = List.copyOf(new LinkedHashSet<>(mids));
    return redis.run(
        RedisOp.LOOKUP,
        commands -> {
          List<CompletableFuture<Map<String, String>>> hashes = new ArrayList<>();
          for (long mid : distinct) {
            hashes.add(commands.hgetall(keys.mid(mid)).toCompletableFuture());
          }
          return allOf(hashes)
              .thenCompose(
                  v -> {
                    Map<Long, Map<String, String>> entries = new LinkedHashMap<>();
                    for (int i = 0; i < distinct.size(); i++) {
                      entries.put(distinct.get(i), hashes.get(i).join());
                    }
                    return resolve(commands, entries);
                  });
        });
  }

  private CompletableFuture<Map<Long, List<Session>>> resolve(
      RedisClusterAsyncCommands<String, String> commands, Map<Long, Map<String, String>> entries) {
    Map<String, CompletableFuture<Map<String, String>>> records = new LinkedHashMap<>();
    entries.values().stream()
        .flatMap(hash -> hash.keySet().stream())
        .forEach(
            key ->
                records.computeIfAbsent(
                    key, k -> commands.hgetall(keys.key(k)).toCompletableFuture()));
    return allOf(records.values())
        .thenApply(
            v -> {
              Map<Long, List<Session>> found = new LinkedHashMap<>();
              List<DeadEntry> dead = new ArrayList<>();
              entries.forEach(
                  (mid, hash) ->
                      hash.forEach(
                          (key, entry) -> {
                            Session session =
                                RedisSessionKeys.session(key, records.get(key).join());
                            if (session != null && session.mid() == mid) {
                              found.computeIfAbsent(mid, m -> new ArrayList<>()).add(session);
                            } else {
                              dead.add(new DeadEntry(mid, key, entry, session == null));
                            }
                          }));
              found.values().forEach(list -> list.sort(Comparator.comparing(Session::key)));
              if (!dead.isEmpty()) {
                var unused = drop(dead);
              }
              return found;
            });
  }

  /** Deletes dead entries, each only if unchanged since it was read. */
  private CompletableFuture<Void> drop(List<DeadEntry> dead) {
    return redis
        .run(
            RedisOp.CLEANUP,
            commands -> {
              List<CompletableFuture<?>> drops = new ArrayList<>();
              for (DeadEntry each : dead) {
                drops.add(
                    SessionScripts.deleteEntry(
                        commands, keys.mid(each.mid()), each.key(), each.entry()));
                RedisSessionKeys.Entry entry = RedisSessionKeys.entry(each.entry());
                if (each.expired() && entry != null) {
                  drops.add(
                      SessionScripts.removeOlder(
                          commands,
                          keys.server(entry.serverId()),
                          entry.epoch() + 1,
                          List.of(RedisSessionKeys.serverMember(each.key(), entry.connId()))));
                }
              }
              return allOf(drops);
            })
        .whenComplete(
            (v, error) -> {
              if (error != null) {
                log.debug("Could not drop {} dead session entries", dead.size(), error);
              } else {
                log.debug("Dropped {} dead session entries", dead.size());
              }
            });
  }

  private static CompletableFuture<Void> allOf(Collection<? extends CompletableFuture<?>> all) {
    return CompletableFuture.allOf(all.toArray(CompletableFuture<?>[]::new));
  }
}
