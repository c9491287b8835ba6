package io.herald.logic.redis;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code herald.logic.redis.latency{op,result}}: one timer per {@link RedisOp} and outcome. */
final class RedisLatency {
  private final Map<RedisOp, Timer> ok = new EnumMap<>(RedisOp.class);
  private final Map<RedisOp, Timer> error = new EnumMap<>(RedisOp.class);

  RedisLatency(MeterRegistry meters) {
    for (RedisOp op : RedisOp.values()) {
      ok.put(op, timer(meters, op, "ok"));
      error.put(op, timer(meters, op, "error"));
    }
  }

  void record(RedisOp op, Throwable failure, long startNanos) {
    Timer timer = failure == null ? ok.get(op) : error.get(op);
    timer.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  private static Timer timer(MeterRegistry meters, RedisOp op, String result) {
    return Timer.builder("herald.logic.redis.latency")
        .description("Round trips to the session Redis, by purpose")
        .tag("op", op.tag())
        .tag("result", result)
        .register(meters);
  }
}
