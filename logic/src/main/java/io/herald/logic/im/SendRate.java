package io.herald.logic.im;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.herald.logic.overload.TokenRate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sends per user per second, in this Logic process: a {@link TokenRate} per user ({@code
 * perSecond}, {@code burst}), as the Comet's upstream limit keeps one per connection.
 *
 * <p>Users are kept in a bounded Caffeine cache; an entry idle for longer than a bucket takes to
 * fill is dropped (a full bucket is as good as none), and when more users than {@code maxUsers}
 * send within that time the least recent ones are dropped: they start again with a full bucket.
 * Thread-safe. Several Logic replicas each allow the rate: the limit is per process, as the config
 * says.
 */
final class SendRate {
  private final int perSecond;
  private final int burst;
  private final Ticker ticker;
  private final Cache<Long, TokenRate> rates;

  /**
   * @param perSecond tokens per second, at least 1
   * @param burst the tokens a full bucket holds, at least 1
   * @param maxUsers the most users tracked at once
   * @param ticker nanosecond time
   */
  SendRate(int perSecond, int burst, long maxUsers, Ticker ticker) {
    if (perSecond < 1 || burst < 1) {
      throw new IllegalArgumentException(
          "perSecond: " + perSecond + ", burst: " + burst + " (expected: both >= 1)");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.ticker = ticker;
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    this.rates =
        Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofNanos(burst * intervalNanos).plusSeconds(1))
            .maximumSize(maxUsers)
            .ticker(ticker)
            .build();
  }

  /**
   * Takes one of {@code mid}'s tokens if there is one: 0, else how long until there is one
   * (nanoseconds, at least 1) and nothing is taken.
   */
  long tryTake(long mid) {
    return rates.get(mid, k -> new TokenRate(perSecond, burst, ticker::read)).tryTake();
  }

  int perSecond() {
    return perSecond;
  }
}
