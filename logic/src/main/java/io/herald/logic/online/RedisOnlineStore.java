package io.herald.logic.online;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.herald.logic.redis.RedisConnection;
import io.herald.logic.redis.RedisOp;
import io.herald.logic.redis.RedisScript;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online reports in Redis, one hash per Comet plus an index set of server ids. Both keys carry the
 * hash tag {@code {<prefix>:online}}, so they share a cluster slot and one script writes them
 * together:
 *
 * <ul>
 *   <li>{@code {<prefix>:online}:server:<serverId>}: hash {@code epoch} → the Comet's epoch, {@code
 *       report} → the {@link ServerOnline} as JSON; {@code PX ttl} on every report;
 *   <li>{@code {<prefix>:online}:servers}: set of server ids that may have a report, also {@code PX
 *       ttl} on every report; readers remove ids whose report has expired.
 * </ul>
 *
 * <p>A report from an epoch older than the stored one is ignored (a late request from a process
 * that has since restarted).
 */
public final class RedisOnlineStore implements OnlineStore {
  private static final Logger log = LoggerFactory.getLogger(RedisOnlineStore.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** KEYS: report, index. ARGV: epoch, report JSON, ttl ms, server id. Returns 1 if stored. */
  private static final RedisScript REPORT =
      new RedisScript(
          """
          local stored = redis.call('HGET', KEYS[1], 'epoch')
          if stored and tonumber(stored) > tonumber(ARGV[1]) then
            return 0
          end
          redis.call('HSET', KEYS[1], 'epoch', ARGV[1], 'report', ARGV[2])
          redis.call('PEXPIRE', KEYS[1], ARGV[3])
          redis.call('SADD', KEYS[2], ARGV[4])
          redis.call('PEXPIRE', KEYS[2], ARGV[3])
          return 1
          """,
          ScriptOutputType.INTEGER);

  /**
   * KEYS: reports, then the index. ARGV: their server ids. Removes from the index each id whose
   * report no longer exists, atomically, so a report written meanwhile keeps its id.
   */
  private static final RedisScript PRUNE =
      new RedisScript(
          """
          local removed = 0
          for i, id in ipairs(ARGV) do
            if redis.call('EXISTS', KEYS[i]) == 0 then
              removed = removed + redis.call('SREM', KEYS[#KEYS], id)
            end
          end
          return removed
          """,
          ScriptOutputType.INTEGER);

  private final RedisConnection redis;
  private final String tag;
  private final long ttlMillis;

  /**
   * @param redis the connection, started by its owner
   * @param ttl how long a report counts without a newer one
   */
  public RedisOnlineStore(RedisConnection redis, Duration ttl) {
    this.redis = redis;
    this.tag = "{" + redis.keyPrefix() + ":online}";
    this.ttlMillis = ttl.toMillis();
  }

  @Override
  public CompletableFuture<Void> report(ServerOnline online) {
    String json;
    try {
      json = JSON.writeValueAsString(online);
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(e);
    }
    String[] keys = {report(online.serverId()), index()};
    return redis
        .run(
            RedisOp.ONLINE_REPORT,
            commands ->
                REPORT.<Long>run(
                    commands,
                    keys,
                    String.valueOf(online.epoch()),
                    json,
                    String.valueOf(ttlMillis),
                    online.serverId()))
        .thenAccept(
            stored -> {
              if (stored == 0) {
                log.debug("Ignored a report of {} from an older epoch", online.serverId());
              }
            });
  }

  @Override
  public CompletableFuture<List<ServerOnline>> all() {
    return redis.run(
        RedisOp.ONLINE_READ,
        commands ->
            commands
                .smembers(index())
                .thenCompose(
                    members -> {
                      List<String> ids = members.stream().sorted().toList();
                      List<CompletableFuture<String>> reports = new ArrayList<>(ids.size());
                      for (String id : ids) {
                        reports.add(commands.hget(report(id), "report").toCompletableFuture());
                      }
                      return CompletableFuture.allOf(reports.toArray(CompletableFuture<?>[]::new))
                          .thenApply(v -> read(commands, ids, reports));
                    }));
  }

  private List<ServerOnline> read(
      RedisClusterAsyncCommands<String, String> commands,
      List<String> ids,
      List<CompletableFuture<String>> reports) {
    List<ServerOnline> live = new ArrayList<>(ids.size());
    List<String> expired = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      String json = reports.get(i).join();
      if (json == null) {
        expired.add(ids.get(i));
        continue;
      }
      try {
        live.add(JSON.readValue(json, ServerOnline.class));
      } catch (JsonProcessingException | IllegalArgumentException e) {
        log.debug("Skipping the unreadable online report of {}", ids.get(i), e);
      }
    }
    if (!expired.isEmpty()) {
      prune(commands, expired);
    }
    return live;
  }

  private void prune(RedisClusterAsyncCommands<String, String> commands, List<String> ids) {
    String[] keys = new String[ids.size() + 1];
    for (int i = 0; i < ids.size(); i++) {
      keys[i] = report(ids.get(i));
    }
    keys[ids.size()] = index();
    var unused =
        PRUNE
            .<Long>run(commands, keys, ids.toArray(String[]::new))
            .whenComplete(
                (removed, error) -> {
                  if (error != null) {
                    log.debug("Could not prune expired ids from the online index", error);
                  }
                });
  }

  private String index() {
    return tag + ":servers";
  }

  private String report(String serverId) {
    return tag + ":server:" + serverId;
  }
}
