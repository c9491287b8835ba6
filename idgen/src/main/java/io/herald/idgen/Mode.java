package io.herald.idgen;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.herald.idgen.layout.BitLayout;
import java.util.Locale;

/** How a tag's ids are made. */
public enum Mode {
  /** 41-bit ms time, 10-bit leased worker, 12-bit sequence. */
  SNOWFLAKE(BitLayout.SNOWFLAKE),
  /** 39-bit time in 10 ms units, 8-bit sequence, 16-bit leased machine. */
  SONYFLAKE(BitLayout.SONYFLAKE),
  /** Leaf-style numbers from DB-allocated segments. */
  SEGMENT(null);

  private final BitLayout layout;

  Mode(BitLayout layout) {
    this.layout = layout;
  }

  /** The bit layout of a time-based mode; {@code null} for {@link #SEGMENT}. */
  public BitLayout layout() {
    return layout;
  }

  /** The lower-case name used in config, metrics tags and HTTP replies. */
  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads a mode's name in any case: {@code snowflake}, {@code SEGMENT}. */
  @JsonCreator
  public static Mode of(String name) {
    for (Mode mode : values()) {
      if (mode.name().equalsIgnoreCase(name == null ? "" : name.strip())) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "mode: " + name + " (expected: snowflake, sonyflake or segment)");
  }
}
