package io.herald.logic.session;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
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
   * Writes a session record (ARGV: mid, server, epoch, platform, ttl ms) with a fresh TTL and
   * returns the previous record's mid, server and epoch (nils if there was none).
   */
  static final RedisScript WRITE =
      new RedisScript(
          """
          local old = redis.call('HMGET', KEYS[1], 'mid', 'server', 'epoch')
          redis.call('HSET', KEYS[1], 'mid', ARGV[1], 'server', ARGV[2], 'epoch', ARGV[3],
            'platform', ARGV[4])
          redis.call('PEXPIRE', KEYS[1], ARGV[5])
          return old
          """,
          ScriptOutputType.MULTI);

  /**
   * Deletes a session record if it belongs to mid ARGV[1] on server ARGV[2]; returns its epoch, or
   * nil if it did not.
   */
  static final RedisScript REMOVE =
      new RedisScript(
          """
          local r = redis.call('HMGET', KEYS[1], 'mid', 'server', 'epoch')
          if r[1] == ARGV[1] and r[2] == ARGV[2] then
            redis.call('DEL', KEYS[1])
            return r[3]
          end
          return false
          """,
          ScriptOutputType.VALUE);

  /**
   * Deletes a session record if server ARGV[1] recorded it under an epoch below ARGV[2]; returns
   * its mid and epoch, or an empty list if it did not.
   */
  static final RedisScript PURGE =
      new RedisScript(
          """
          local r = redis.call('HMGET', KEYS[1], 'mid', 'server', 'epoch')
          if r[2] == ARGV[1] and r[3] and tonumber(r[3]) < tonumber(ARGV[2]) then
            redis.call('DEL', KEYS[1])
            return {r[1], r[3]}
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
   * that); returns how many it removed.
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
      RedisAsyncCommands<String, String> redis, String hash, String field, String value) {
    return DELETE_ENTRY.run(redis, new String[] {hash}, field, value);
  }

  /** Runs {@link #REMOVE_OLDER}: removes {@code members} scored below {@code bound}. */
  static CompletableFuture<Long> removeOlder(
      RedisAsyncCommands<String, String> redis,
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
