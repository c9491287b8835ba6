package io.herald.logic.ids;

import io.herald.config.Check;
import java.time.Clock;
import java.time.Instant;

/**
 * Message ids made in process, Snowflake style: 41 bits of milliseconds since {@link #EPOCH}, the
 * 10-bit instance id, and a 12-bit sequence within the millisecond (4,096 ids per ms per instance).
 * When a millisecond's sequence is used up, {@link #next()} waits for the clock's next millisecond.
 *
 * <p>Unique per instance as long as no two Logic instances share an instance id. If the clock steps
 * back, ids keep growing from the last millisecond used (that millisecond's sequence continues, and
 * once it is used up the next one is borrowed) rather than repeating; a restart after a clock step
 * back may repeat ids, since nothing is persisted. This is the {@code local} source ({@code
 * push.messageIds.source: local}, the default, and {@code herald standalone}'s); the {@code idgen}
 * source ({@link IdGenMessageIds}) takes ids from the IdGen service instead, with leased worker ids
 * and a persisted high-water mark, and no instance id to configure.
 */
public final class SnowflakeMessageIds implements MessageIds {

  /** Time 0 of the ids: 2024-01-01T00:00:00Z; the 41 bits last about 69 years from it. */
  public static final Instant EPOCH = Instant.parse("2024-01-01T00:00:00Z");

  public static final int MAX_INSTANCE_ID = (1 << 10) - 1;
  static final int SEQUENCE_BITS = 12;
  static final int INSTANCE_BITS = 10;
  static final long MAX_SEQUENCE = (1L << SEQUENCE_BITS) - 1;

  private final Clock clock;
  private final long instanceId;
  private final long epochMillis = EPOCH.toEpochMilli();
  private long lastMillis = -1;
  private long sequence;

  public SnowflakeMessageIds(int instanceId, Clock clock) {
    this.instanceId = Check.inRange("instanceId", instanceId, 0, MAX_INSTANCE_ID);
    this.clock = Check.notNull("clock", clock);
  }

  @Override
  public synchronized long next() {
    long now = millis();
    if (now > lastMillis) {
      lastMillis = now;
      sequence = 0;
    } else if (sequence < MAX_SEQUENCE) {
      sequence++; // same millisecond, or the clock stepped back: go on from the last one
    } else {
      lastMillis = now == lastMillis ? awaitNextMillis() : lastMillis + 1;
      sequence = 0;
    }
    return (lastMillis << (INSTANCE_BITS + SEQUENCE_BITS))
        | (instanceId << SEQUENCE_BITS)
        | sequence;
  }

  private long awaitNextMillis() {
    long now = millis();
    while (now <= lastMillis) {
      Thread.onSpinWait();
      now = millis();
    }
    return now;
  }

  private long millis() {
    long now = clock.millis() - epochMillis;
    if (now < 0) {
      throw new IllegalStateException(
          "clock reads " + clock.instant() + ", before the message id epoch " + EPOCH);
    }
    return now;
  }

  /** The millisecond (Unix) an id was made in. */
  static long unixMillisOf(long id) {
    return (id >>> (INSTANCE_BITS + SEQUENCE_BITS)) + EPOCH.toEpochMilli();
  }

  static int instanceOf(long id) {
    return (int) ((id >>> SEQUENCE_BITS) & MAX_INSTANCE_ID);
  }

  static long sequenceOf(long id) {
    return id & MAX_SEQUENCE;
  }
}
