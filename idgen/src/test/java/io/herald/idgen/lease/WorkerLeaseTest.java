package io.herald.idgen.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.idgen.IdsUnavailableException;
import io.herald.idgen.layout.BitLayout;
import io.herald.idgen.time.TimeIdGenerator;
import io.herald.idgen.time.TimeWaiter;
import io.herald.redis.RedisEndpoint;
import io.herald.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The holder's fence against a scripted store and a manual clock. */
class WorkerLeaseTest {
  private static final LeaseConfig CONFIG =
      new LeaseConfig(
          LeaseConfig.DATABASE,
          RedisEndpoint.local("t:"),
          Duration.ofSeconds(10),
          Duration.ofSeconds(2),
          Duration.ofSeconds(3),
          Duration.ofSeconds(1));

  private final ManualClock clock = new ManualClock();
  private final ScriptedStore store = new ScriptedStore();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final WorkerLease lease =
      new WorkerLease(store, "snowflake", 1024, "me", CONFIG, clock, meters);

  @Test
  void theFenceStandsTtlMinusMarginAfterEachConfirmedRenewalAndIsTheHighWaterMark() {
    long t0 = clock.millis();
    lease.acquire();
    assertThat(lease.validUntil()).isEqualTo(t0 + 7_000);
    assertThat(store.highWaters).containsExactly(t0 + 7_000);

    clock.advance(Duration.ofSeconds(2));
    assertThat(lease.renew()).isTrue();
    assertThat(lease.validUntil()).isEqualTo(t0 + 9_000);
    assertThat(store.highWaters).containsExactly(t0 + 7_000, t0 + 9_000);
  }

  @Test
  void aHolderThatCannotRenewStopsIssuingAtItsFence() {
    long t0 = clock.millis();
    lease.acquire();
    TimeIdGenerator ids = generator();
    assertThat(ids.next(true)).isPositive();

    store.unreachable = true;
    clock.advance(Duration.ofSeconds(2));
    assertThat(lease.renew()).isTrue(); // still held as far as anyone knows
    assertThat(lease.validUntil()).isEqualTo(t0 + 7_000);
    clock.advance(Duration.ofMillis(4_999));
    assertThat(ids.next(true)).isPositive();

    clock.advance(Duration.ofMillis(1)); // t0 + 7 s: 3 s before the store could expire the lease
    assertThatThrownBy(() -> ids.next(true)).isInstanceOf(IdsUnavailableException.class);
    assertThat(
            meters
                .counter("herald.idgen.lease.renewals", "pool", "snowflake", "result", "error")
                .count())
        .isEqualTo(1);
  }

  @Test
  void aHolderWhoseLeaseWasTakenStopsAtOnce() {
    lease.acquire();
    TimeIdGenerator ids = generator();
    assertThat(ids.next(true)).isPositive();

    store.held = false;
    assertThat(lease.renew()).isFalse();

    assertThat(lease.validUntil()).isEqualTo(Long.MIN_VALUE);
    assertThat(lease.lease()).isNull();
    assertThatThrownBy(() -> ids.next(true)).isInstanceOf(IdsUnavailableException.class);
    assertThat(
            meters
                .counter("herald.idgen.lease.renewals", "pool", "snowflake", "result", "lost")
                .count())
        .isEqualTo(1);
  }

  @Test
  void aFullPoolFailsTheAcquisitionClearly() {
    store.full = true;
    assertThatThrownBy(lease::acquire)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "all 1024 snowflake worker ids are leased by other servers; free one or raise the"
                + " pool's workers");
  }

  private TimeIdGenerator generator() {
    return new TimeIdGenerator(
        BitLayout.SNOWFLAKE,
        0,
        lease.lease().worker(),
        0,
        clock,
        lease,
        Duration.ZERO,
        TimeWaiter.SPIN,
        meters);
  }

  private static final class ScriptedStore implements LeaseStore {
    final List<Long> highWaters = new ArrayList<>();
    boolean unreachable;
    boolean held = true;
    boolean full;

    @Override
    public Optional<Lease> acquire(
        String pool, int workers, String holder, Duration ttl, long highWater) {
      if (full) {
        return Optional.empty();
      }
      highWaters.add(highWater);
      return Optional.of(new Lease(pool, 3, holder, 1, 0));
    }

    @Override
    public boolean renew(Lease lease, Duration ttl, long highWater) {
      if (unreachable) {
        throw new LeaseStoreException("connection refused", null);
      }
      if (held) {
        highWaters.add(highWater);
      }
      return held;
    }

    @Override
    public void release(Lease lease, long highWater) {}
  }
}
