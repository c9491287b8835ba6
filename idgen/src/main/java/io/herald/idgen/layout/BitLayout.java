package io.herald.idgen.layout;

import java.util.Locale;

/**
 * How a time-based id packs its fields into the 63 bits below the sign bit: a time field (units of
 * {@code unitMillis} since a custom epoch) in the high bits, then a worker field and a sequence
 * field whose order depends on the layout. The bit counts must add up to 63, so every id is
 * positive.
 *
 * @param name the layout's name, e.g. {@code snowflake}
 * @param timeBits bits of the time field (units since the epoch)
 * @param unitMillis milliseconds per time unit
 * @param workerBits bits of the worker (machine) field
 * @param sequenceBits bits of the sequence within one time unit
 * @param workerLow whether the worker field sits below the sequence (Sonyflake) rather than above
 *     it (Snowflake)
 */
public record BitLayout(
    String name,
    int timeBits,
    long unitMillis,
    int workerBits,
    int sequenceBits,
    boolean workerLow) {

  /** Twitter's: 41-bit milliseconds, 10-bit worker, 12-bit sequence (4,096 ids/ms/worker). */
  public static final BitLayout SNOWFLAKE = new BitLayout("snowflake", 41, 1, 10, 12, false);

  /** Sony's: 39-bit time in 10 ms units, 8-bit sequence, 16-bit machine (25,600 ids/s/machine). */
  public static final BitLayout SONYFLAKE = new BitLayout("sonyflake", 39, 10, 16, 8, true);

  public BitLayout {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name: empty (expected: a value)");
    }
    name = name.toLowerCase(Locale.ROOT);
    positiveBits("timeBits", timeBits);
    positiveBits("workerBits", workerBits);
    positiveBits("sequenceBits", sequenceBits);
    if (timeBits + workerBits + sequenceBits != 63) {
      throw new IllegalArgumentException(
          name
              + ": timeBits "
              + timeBits
              + " + workerBits "
              + workerBits
              + " + sequenceBits "
              + sequenceBits
              + " = "
              + (timeBits + workerBits + sequenceBits)
              + " (expected: 63)");
    }
    if (workerBits > 31 || sequenceBits > 31) {
      throw new IllegalArgumentException(
          name + ": workerBits and sequenceBits must each be at most 31");
    }
    if (unitMillis < 1) {
      throw new IllegalArgumentException(name + ": unitMillis " + unitMillis + " (expected: > 0)");
    }
  }

  private static void positiveBits(String field, int bits) {
    if (bits < 1) {
      throw new IllegalArgumentException(field + ": " + bits + " (expected: > 0)");
    }
  }

  /** How many worker ids the worker field holds, e.g. 1,024 for Snowflake. */
  public int workerCount() {
    return 1 << workerBits;
  }

  public long maxSequence() {
    return (1L << sequenceBits) - 1;
  }

  public long maxTime() {
    return (1L << timeBits) - 1;
  }

  /** The id made at {@code time} units since the epoch by {@code worker} with {@code sequence}. */
  public long compose(long time, long worker, long sequence) {
    if (workerLow) {
      return (time << (sequenceBits + workerBits)) | (sequence << workerBits) | worker;
    }
    return (time << (workerBits + sequenceBits)) | (worker << sequenceBits) | sequence;
  }

  public long timeOf(long id) {
    return id >>> (workerBits + sequenceBits);
  }

  public int workerOf(long id) {
    long shift = workerLow ? 0 : sequenceBits;
    return (int) ((id >>> shift) & ((1L << workerBits) - 1));
  }

  public int sequenceOf(long id) {
    long shift = workerLow ? workerBits : 0;
    return (int) ((id >>> shift) & maxSequence());
  }
}
