package io.herald.idgen.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.idgen.ClockSteppedBackException;
import io.herald.idgen.IdsUnavailableException;
import io.herald.idgen.layout.BitLayout;
import io.herald.idgen.layout.IdFields;
import io.herald.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimeIdGeneratorTest {
  private static final long EPOCH = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();

  private final ManualClock clock = new ManualClock(Instant.parse("2025-03-01T08:00:00.000Z"));
  private final RecordingWaiter waiter = new RecordingWaiter();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AtomicLong fence = new AtomicLong(Long.MAX_VALUE);

  private TimeIdGenerator generator(BitLayout layout, int worker, long highWater) {
    return new TimeIdGenerator(
        layout, EPOCH, worker, highWater, clock, fence::get, Duration.ofMillis(5), waiter, meters);
  }

  private double count(String name, String... tags) {
    return meters.counter(name, tags).count();
  }

  @Test
  void theSequenceCountsUpWithinOneMillisecondAndRollsOverToTheNext() {
    TimeIdGenerator ids = generator(BitLayout.SNOWFLAKE, 5, 0);
    long now = clock.millis();
    long previous = 0;
    for (int i = 0; i < 4096; i++) {
      long id = ids.next(true);
      IdFields fields = IdFields.of(BitLayout.SNOWFLAKE, EPOCH, id);
      assertThat(fields).isEqualTo(new IdFields(now, 5, i));
      assertThat(id).isGreaterThan(previous);
      previous = id;
    }
    assertThat(waiter.targets).isEmpty();

    // The 4,097th id of the millisecond waits for the next one and starts its sequence at 0.
    long id = ids.next(true);
    assertThat(waiter.targets).containsExactly(now + 1);
    assertThat(IdFields.of(BitLayout.SNOWFLAKE, EPOCH, id)).isEqualTo(new IdFields(now + 1, 5, 0));
    assertThat(id).isGreaterThan(previous);
    assertThat(count("herald.idgen.sequence.waits", "mode", "snowflake")).isEqualTo(1);
    assertThat(count("herald.idgen.ids.issued", "mode", "snowflake")).isEqualTo(4097);
  }

  @Test
  void withoutWaitingAUsedUpUnitAnswersWouldWait() {
    TimeIdGenerator ids = generator(BitLayout.SONYFLAKE, 300, 0);
    for (int i = 0; i < 256; i++) {
      assertThat(ids.next(false)).isPositive();
    }
    assertThat(ids.next(false)).isEqualTo(TimeIdGenerator.WOULD_WAIT);
    assertThat(ids.next(10, false)).isNull();
    assertThat(waiter.targets).isEmpty();

    // Sonyflake waits for the next 10 ms unit.
    long[] batch = ids.next(300, true);
    assertThat(batch).hasSize(300).isSorted();
    assertThat(waiter.targets).hasSize(2);
    IdFields first = IdFields.of(BitLayout.SONYFLAKE, EPOCH, batch[0]);
    assertThat(first.sequence()).isZero();
    assertThat(first.worker()).isEqualTo(300);
    assertThat(first.unixMillis() % 10).isZero();
  }

  @Test
  void aSmallStepBackIsWaitedOut() {
    TimeIdGenerator ids = generator(BitLayout.SNOWFLAKE, 1, 0);
    long before = ids.next(true);
    long last = clock.millis();
    clock.advance(Duration.ofMillis(-4));

    assertThat(ids.next(false)).isEqualTo(TimeIdGenerator.WOULD_WAIT);
    long after = ids.next(true);

    assertThat(waiter.targets).containsExactly(last);
    assertThat(after).isGreaterThan(before);
    assertThat(count("herald.idgen.clock.stepbacks", "mode", "snowflake", "outcome", "absorbed"))
        .isEqualTo(1);
  }

  @Test
  void aLargeStepBackIsRefusedUntilTheClockCatchesUp() {
    TimeIdGenerator ids = generator(BitLayout.SNOWFLAKE, 1, 0);
    long before = ids.next(true);
    clock.advance(Duration.ofMillis(-6));

    assertThatThrownBy(() -> ids.next(true))
        .isInstanceOf(ClockSteppedBackException.class)
        .hasMessageStartingWith(
            "snowflake worker 1: the clock stepped back 6 ms (tolerated: 5 ms); refusing ids");
    assertThatThrownBy(() -> ids.next(3, true)).isInstanceOf(ClockSteppedBackException.class);
    assertThat(waiter.targets).isEmpty();
    assertThat(count("herald.idgen.clock.stepbacks", "mode", "snowflake", "outcome", "refused"))
        .isEqualTo(2);

    clock.advance(Duration.ofMillis(7));
    assertThat(ids.next(true)).isGreaterThan(before);
  }

  @Test
  void noIdIsMadeAtOrPastTheFence() {
    TimeIdGenerator ids = generator(BitLayout.SNOWFLAKE, 1, 0);
    fence.set(clock.millis() + 2);
    assertThat(ids.next(true)).isPositive();
    clock.advance(Duration.ofMillis(2));

    assertThatThrownBy(() -> ids.next(true))
        .isInstanceOf(IdsUnavailableException.class)
        .hasMessage("snowflake worker 1: the worker lease is not held; refusing ids");
    assertThat(ids.next(1, false)).isNull();

    fence.set(Long.MIN_VALUE); // lost
    assertThatThrownBy(() -> ids.next(false)).isInstanceOf(IdsUnavailableException.class);
  }

  @Test
  void theHighWaterMarksUnitCountsAsUsedUp() {
    // An earlier holder issued ids up to T+3 ms; the clock reads T+5, the same 10 ms unit.
    long unitStart = clock.millis();
    assertThat((unitStart - EPOCH) % 10).isZero();
    clock.advance(Duration.ofMillis(5));
    TimeIdGenerator ids = generator(BitLayout.SONYFLAKE, 2, unitStart + 3);

    long id = ids.next(true);

    assertThat(waiter.targets).containsExactly(unitStart + 10);
    assertThat(IdFields.of(BitLayout.SONYFLAKE, EPOCH, id).unixMillis()).isEqualTo(unitStart + 10);
  }

  @Test
  void aHighWaterMarkAheadOfTheClockIsAStepBack() {
    TimeIdGenerator ids = generator(BitLayout.SNOWFLAKE, 2, clock.millis() + 1_000);
    assertThatThrownBy(() -> ids.next(true)).isInstanceOf(ClockSteppedBackException.class);
  }

  @Test
  void explainInvertsGenerationForBothLayouts() {
    for (BitLayout layout : new BitLayout[] {BitLayout.SNOWFLAKE, BitLayout.SONYFLAKE}) {
      int worker = layout.workerCount() - 3;
      TimeIdGenerator ids = generator(layout, worker, 0);
      for (int i = 0; i < 2_000; i++) {
        long before = clock.millis();
        long id = ids.next(true);
        IdFields fields = IdFields.of(layout, EPOCH, id);
        assertThat(fields.worker()).isEqualTo(worker);
        long unitStart = before - (before - EPOCH) % layout.unitMillis();
        assertThat(fields.unixMillis()).isBetween(unitStart, clock.millis());
        assertThat(layout.compose(layout.timeOf(id), fields.worker(), fields.sequence()))
            .isEqualTo(id);
        if (i % 97 == 0) {
          clock.advance(Duration.ofMillis(3));
        }
      }
    }
  }

  @Test
  void aWorkerOutsideTheFieldIsRefused() {
    assertThatThrownBy(() -> generator(BitLayout.SNOWFLAKE, 1024, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("worker: 1024 (expected: 0-1023)");
  }
}
