package io.herald.logic.session;

import io.herald.logic.redis.RedisConnection;
import io.herald.logic.redis.RedisOp;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the sessions a Comet recorded under an older epoch, in rounds of at most {@code batch}:
 * read the oldest members of its set, delete each record that is still that Comet's and older than
 * the current epoch, drop their mid entries, then remove the members. A device that reconnected
 * meanwhile (to this Comet's new process or elsewhere) keeps its session: every delete re-checks in
 * a script. Counts {@code herald.logic.sessions.purged}.
 */
final class RedisSessionPurge {
  private static final Logger log = LoggerFactory.getLogger(RedisSessionPurge.class);

  private final RedisConnection redis;
  private final RedisSessionKeys keys;
  private final int batch;
  private final Counter purged;

  RedisSessionPurge(RedisConnection redis, RedisSessionKeys keys, int batch, MeterRegistry meters) {
    this.redis = redis;
    this.keys = keys;
    this.batch = batch;
    this.purged =
        Counter.builder("herald.logic.sessions.purged")
            .description("Sessions deleted because their Comet restarted with a new epoch")
            .register(meters);
  }

  CompletableFuture<Integer> purge(String serverId, long currentEpoch) {
    return redis
        .run(RedisOp.PURGE, commands -> round(commands, serverId, currentEpoch, 0))
        .whenComplete(
            (count, error) -> {
              if (count != null && count > 0) {
                purged.increment(count);
                log.info(
                    "Purged {} stale sessions of {} (epochs before {})",
                    count,
                    serverId,
                    currentEpoch);
              }
            });
  }

  private CompletableFuture<Integer> round(
      RedisClusterAsyncCommands<String, String> commands, String serverId, long epoch, int sofar) {
    String serverKey = keys.server(serverId);
    Range<Long> older = Range.from(Range.Boundary.unbounded(), Range.Boundary.excluding(epoch));
    return commands
        .zrangebyscore(serverKey, older, Limit.create(0, batch))
        .toCompletableFuture()
        .thenCompose(
            members -> {
              if (members.isEmpty()) {
                return CompletableFuture.completedFuture(sofar);
              }
              return deleteRecords(commands, serverId, epoch, members)
                  .thenCompose(
                      deleted ->
                          SessionScripts.removeOlder(commands, serverKey, epoch, members)
                              .thenCompose(v -> round(commands, serverId, epoch, sofar + deleted)));
            });
  }

  /**
   * Deletes the records still older than {@code epoch} and their mid entries; returns how many.
   *
   * @param members server set members, {@code <key>|<conn>}
   */
  private CompletableFuture<Integer> deleteRecords(
      RedisClusterAsyncCommands<String, String> commands,
      String serverId,
      long epoch,
      List<String> members) {
    String[] args = {serverId, String.valueOf(epoch)};
    List<String> deviceKeys = new ArrayList<>(members.size());
    List<CompletableFuture<List<Object>>> records = new ArrayList<>(members.size());
    for (String member : members) {
      String key = RedisSessionKeys.memberKey(member);
      if (key != null) {
        deviceKeys.add(key);
        records.add(SessionScripts.PURGE.run(commands, new String[] {keys.key(key)}, args));
      }
    }
    return CompletableFuture.allOf(records.toArray(CompletableFuture<?>[]::new))
        .thenCompose(
            v -> {
              List<CompletableFuture<?>> entries = new ArrayList<>();
              for (int i = 0; i < deviceKeys.size(); i++) {
                List<Object> deleted = records.get(i).join();
                if (deleted.size() == 3 && deleted.get(0) != null && deleted.get(1) != null) {
                  String entry = serverId + "|" + deleted.get(1) + "|" + deleted.get(2);
                  String midKey = keys.mid(deleted.get(0).toString());
                  entries.add(
                      SessionScripts.deleteEntry(commands, midKey, deviceKeys.get(i), entry));
                }
              }
              return CompletableFuture.allOf(entries.toArray(CompletableFuture<?>[]::new))
                  .thenApply(done -> entries.size());
            });
  }
}
