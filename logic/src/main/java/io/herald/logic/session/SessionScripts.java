package io.herald.logic.session;

import io.herald.logic.redis.RedisScript;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * The session store's Lua scripts. Each touches a single key, so each is atomic on a cluster too;
 * together they make every check-then-write exact, so a writer never removes what another has just
 * put there.
 */
final class SessionScripts {
  private SessionScripts() {}

  /**
   * Writes a session record (ARGV: mid, server, epoch, conn, platform, ttl ms) with a fresh TTL and
   * returns the previous record's mid, server, epoch and conn (nils if there was none).
   */
  static final RedisScript WRITE =
      new RedisScript(
          """
          local old = redis.call('HMGET', KEYS[1], 'mid', 'server', 'epoch', 'conn')
          redis.call('HSET', KEYS[1], 'mid', ARGV[1], 'server', ARGV[2], 'epoch', ARGV[3],
            'conn', ARGV[4], 'platform', ARGV[5])
          redis.call('PEXPIRE', KEYS[1], ARGV[6])
          return old
          """,
          ScriptOutputType.MULTI);

  /** {@link #RENEW}'s answers. */
  static final long RENEWED = 0;

  static final long RECREATED = 1;
  static final long SUPERSEDED = 2;

  /**
   * Renews the record of connection (ARGV: mid, server, epoch, conn; then platform, ttl ms):
   * refreshes its TTL if it is that connection's ({@link #RENEWED}), writes it if the key has none
   * ({@link #RECREATED}), and leaves another connection's record alone ({@link #SUPERSEDED}).
   */
  static final RedisScript RENEW =
      new RedisScript(
          """
          local r = redis.call('HMGET', KEYS[1], 'mid', 'server', 'epoch', 'conn')
          if not r[2] then
            redis.call('HSET', KEYS[1], 'mid', ARGV[1], 'server', ARGV[2], 'epoch', ARGV[3],
              'conn', ARGV[4], 'platform', ARGV[5])
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
            return 1
          end
          if r[1] == ARGV[1] and r[2] == ARGV[2] and r[3] == ARGV[3] and r[4] == ARGV[4] then
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
            return 0
          end
          return 2
          """,
          ScriptOutputType.INTEGER);

  /**
   * Deletes a session record if it is still connection (ARGV: mid, server, epoch, conn)'s; returns
   * 1 if it did, 0 if the record is another connection's or gone.
   */
  static final RedisScript REMOVE =
      new RedisScript(
          """
          local r = redis.call('HMGET', KEYS[1], 'mid', 'server', 'epoch', 'conn')
          if r[1] == ARGV[1] and r[2] == ARGV[2] and r[3] == ARGV[3] and r[4] == ARGV[4] then
            redis.call('DEL', KEYS[1])
            return 1
          end
          return 0
          """,
          ScriptOutputType.INTEGER);

  /**
   * Deletes a session record if server ARGV[1] recorded it under an epoch below ARGV[2]; returns
   * its mid, epoch and conn, or an empty list if it did not.
   */
  static final RedisScript PURGE =
      new RedisScript(
          """
          local r = redis.call('HMGET', KEYS[1], 'mid', 'server', 'epoch', 'conn')
          if r[2] == ARGV[1] and r[3] and tonumber(r[3]) < tonumber(ARGV[2]) then
            redis.call('DEL', KEYS[1])
            return {r[1], r[3], r[4] or '0'}
          end
          return {}
          """,
          ScriptOutputType.MULTI);

  /** Deletes hash field ARGV[1] if its value is still ARGV[2]; returns 1 if it did. */
  static final RedisScript DELETE_ENTRY =
      new RedisScript(
          """
          if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
            return redis.call('HDEL', KEYS[1], ARGV[1])
          end
          return 0
          """,
          ScriptOutputType.INTEGER);

  /**
   * Removes each member ARGV[2..] whose score is below ARGV[1] (recorded under an older epoch than
   * that, so a member the same Comet's next incarnation wrote again stays); returns how many it
   * removed.
   */
  static final RedisScript REMOVE_OLDER =
      new RedisScript(
          """
          local removed = 0
          local bound = tonumber(ARGV[1])
          for i = 2, #ARGV do
            local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
            if score and tonumber(score) < bound then
              removed = removed + redis.call('ZREM', KEYS[1], ARGV[i])
            end
          end
          return removed
          """,
          ScriptOutputType.INTEGER);

  /**
   * Runs {@link #DELETE_ENTRY}: deletes {@code field} of {@code hash} if it is still {@code value}.
   */
  static CompletableFuture<Long> deleteEntry(
      RedisClusterAsyncCommands<String, String> redis, String hash, String field, String value) {
    return DELETE_ENTRY.run(redis, new String[] {hash}, field, value);
  }

  /** Runs {@link #REMOVE_OLDER}: removes {@code members} scored below {@code bound}. */
  static CompletableFuture<Long> removeOlder(
      RedisClusterAsyncCommands<String, String> redis,
      String zset,
      long bound,
      Collection<String> members) {
    String[] args = new String[members.size() + 1];
    args[0] = String.valueOf(bound);
    int i = 1;
    for (String member : members) {
      args[i++] = member;
    }
    return REMOVE_OLDER.run(redis, new String[] {zset}, args);
  }
}
