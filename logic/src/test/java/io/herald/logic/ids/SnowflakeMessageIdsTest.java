package io.herald.logic.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.testkit.ManualClock;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnowflakeMessageIdsTest {
  private static final long T = Instant.parse("2025-06-01T12:00:00Z").toEpochMilli();

  @Test
  void idsAreUniqueAndIncreasing() {
    MessageIds ids = new SnowflakeMessageIds(7, Clock.systemUTC());
    Set<Long> seen = new HashSet<>();
    long previous = 0;
    for (int i = 0; i < 100_000; i++) {
      long id = ids.next();
      assertThat(id).isGreaterThan(previous);
      assertThat(seen.add(id)).isTrue();
      previous = id;
    }
  }

  @Test
  void anIdHoldsItsMillisecondInstanceAndSequence() {
    ManualClock clock = new ManualClock(T);
    SnowflakeMessageIds ids = new SnowflakeMessageIds(1023, clock);

    long first = ids.next();
    long second = ids.next();

    assertThat(SnowflakeMessageIds.unixMillisOf(first)).isEqualTo(T);
    assertThat(SnowflakeMessageIds.instanceOf(first)).isEqualTo(1023);
    assertThat(SnowflakeMessageIds.sequenceOf(first)).isZero();
    assertThat(SnowflakeMessageIds.sequenceOf(second)).isOne();
    clock.now = T + 1;
    assertThat(SnowflakeMessageIds.sequenceOf(ids.next())).isZero();
  }

  @Test
  void whenAMillisecondsSequenceIsUsedUpItWaitsForTheNextMillisecond() {
    ManualClock clock = new ManualClock(T);
    SnowflakeMessageIds ids = new SnowflakeMessageIds(3, clock);
    long last = 0;
    for (int i = 0; i <= SnowflakeMessageIds.MAX_SEQUENCE; i++) {
      last = ids.next();
    }
    assertThat(SnowflakeMessageIds.unixMillisOf(last)).isEqualTo(T);
    assertThat(SnowflakeMessageIds.sequenceOf(last)).isEqualTo(4095);

    // The clock stays at T for 50 more reads, then moves on: next() must spin through them.
    clock.advanceAfterReads(50, T + 1);
    long next = ids.next();

    assertThat(clock.reads).isGreaterThanOrEqualTo(50);
    assertThat(SnowflakeMessageIds.unixMillisOf(next)).isEqualTo(T + 1);
    assertThat(SnowflakeMessageIds.sequenceOf(next)).isZero();
    assertThat(next).isGreaterThan(last);
  }

  @Test
  void aClockSteppingBackNeitherRepeatsNorWaits() {
    ManualClock clock = new ManualClock(T);
    SnowflakeMessageIds ids = new SnowflakeMessageIds(0, clock);
    long before = ids.next();

    clock.now = T - 5_000;
    long previous = before;
    for (int i = 0; i < 10_000; i++) { // more than one millisecond's sequence: borrows ahead
      long id = ids.next();
      assertThat(id).isGreaterThan(previous);
      previous = id;
    }
    assertThat(SnowflakeMessageIds.unixMillisOf(previous)).isEqualTo(T + 2);
  }

  @Test
  void refusesAnInstanceIdOutsideTenBits() {
    assertThatThrownBy(() -> new SnowflakeMessageIds(1024, Clock.systemUTC()))
        .hasMessage("instanceId: 1024 (expected: 0-1023)");
  }

  /** A clock tests set; it can stay put for a number of reads, then jump. */
  static final class ManualClock extends Clock {
    volatile long now;
    int reads;
    private int readsLeft = -1;
    private long then;

    ManualClock(long now) {
      this.now = now;
    }

    void advanceAfterReads(int count, long to) {
      reads = 0;
      readsLeft = count;
      then = to;
    }

    @Override
    public long millis() {
      reads++;
      if (readsLeft >= 0 && readsLeft-- == 0) {
        now = then;
      }
      return now;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
