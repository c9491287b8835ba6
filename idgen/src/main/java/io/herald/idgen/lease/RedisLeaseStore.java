package io.herald.idgen.lease;

import io.herald.redis.RedisLink;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Leases in Redis. For pool {@code P} under prefix {@code X}: {@code X idgen:{P}:lease:N} holds
 * {@code holder/token} with a millisecond TTL (Redis expires it, so no clocks are compared), {@code
 * X idgen:{P}:hwm:N} the high-water mark without a TTL, and {@code X idgen:{P}:token} the fencing
 * counter. Every operation is one Lua script, atomic on the server; the pool's name is a hash tag,
 * so all of a pool's keys share one cluster slot.
 */
public final class RedisLeaseStore implements LeaseStore {
  // KEYS[1] = the pool's key prefix; ARGV = workers, holder, ttl ms, high water.
  private static final String ACQUIRE =
      """
      local p = KEYS[1]
      local token = redis.call('INCR', p .. 'token')
      for i = 0, tonumber(ARGV[1]) - 1 do
        if redis.call('SET', p .. 'lease:' .. i, ARGV[2] .. '/' .. token, 'NX', 'PX', ARGV[3]) then
          local raw = redis.call('GET', p .. 'hwm:' .. i) or '0'
          if tonumber(ARGV[4]) > tonumber(raw) then
            redis.call('SET', p .. 'hwm:' .. i, ARGV[4])
          end
          return {i, token, raw}
        end
      end
      return {-1, token, '0'}
      """;

  // KEYS[1] = the pool's key prefix; ARGV = worker, holder/token, ttl ms, high water.
  private static final String RENEW =
      """
      local p = KEYS[1]
      if redis.call('GET', p .. 'lease:' .. ARGV[1]) ~= ARGV[2] then
        return 0
      end
      redis.call('PEXPIRE', p .. 'lease:' .. ARGV[1], ARGV[3])
      local hwm = tonumber(redis.call('GET', p .. 'hwm:' .. ARGV[1]) or '0')
      if tonumber(ARGV[4]) > hwm then
        redis.call('SET', p .. 'hwm:' .. ARGV[1], ARGV[4])
      end
      return 1
      """;

  // KEYS[1] = the pool's key prefix; ARGV = worker, holder/token, high water.
  private static final String RELEASE =
      """
      local p = KEYS[1]
      if redis.call('GET', p .. 'lease:' .. ARGV[1]) ~= ARGV[2] then
        return 0
      end
      redis.call('SET', p .. 'hwm:' .. ARGV[1], ARGV[3])
      redis.call('DEL', p .. 'lease:' .. ARGV[1])
      return 1
      """;

  private final RedisLink<String, String> redis;

  /**
   * @param redis started and stopped by the caller; its endpoint's key prefix is used
   */
  public RedisLeaseStore(RedisLink<String, String> redis) {
    this.redis = redis;
  }

  private String prefix(String pool) {
    return redis.endpoint().keyPrefix() + "idgen:{" + pool + "}:";
  }

  private static String value(Lease lease) {
    return lease.holder() + "/" + lease.token();
  }

  @Override
  public Optional<Lease> acquire(
      String pool, int workers, String holder, Duration ttl, long highWater) {
    List<Object> reply =
        call(
            "acquire a " + pool + " worker lease",
            c ->
                c.eval(
                    ACQUIRE,
                    ScriptOutputType.MULTI,
                    new String[] {prefix(pool)},
                    Integer.toString(workers),
                    holder,
                    Long.toString(ttl.toMillis()),
                    Long.toString(highWater)));
    int worker = ((Long) reply.get(0)).intValue();
    if (worker < 0) {
      return Optional.empty();
    }
    return Optional.of(
        new Lease(
            pool, worker, holder, (Long) reply.get(1), Long.parseLong((String) reply.get(2))));
  }

  @Override
  public boolean renew(Lease lease, Duration ttl, long highWater) {
    Long renewed =
        call(
            "renew " + lease.pool() + " worker lease " + lease.worker(),
            c ->
                c.eval(
                    RENEW,
                    ScriptOutputType.INTEGER,
                    new String[] {prefix(lease.pool())},
                    Integer.toString(lease.worker()),
                    value(lease),
                    Long.toString(ttl.toMillis()),
                    Long.toString(highWater)));
    return renewed == 1L;
  }

  @Override
  public void release(Lease lease, long highWater) {
    Long unused =
        call(
            "release " + lease.pool() + " worker lease " + lease.worker(),
            c ->
                c.eval(
                    RELEASE,
                    ScriptOutputType.INTEGER,
                    new String[] {prefix(lease.pool())},
                    Integer.toString(lease.worker()),
                    value(lease),
                    Long.toString(highWater)));
  }

  private <T> T call(
      String what,
      Function<RedisClusterAsyncCommands<String, String>, io.lettuce.core.RedisFuture<T>> command) {
    long timeout = redis.endpoint().timeout().toMillis();
    try {
      return redis
          .commands()
          .thenCompose(c -> command.apply(c).toCompletableFuture())
          .get(2 * timeout, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new LeaseStoreException("cannot " + what + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new LeaseStoreException("cannot " + what + ": timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LeaseStoreException("cannot " + what + ": interrupted", e);
    }
  }
}
