package io.herald.comet.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The Netty transport of the Comet's client listeners and connections ({@code listen.transport}).
 */
public enum Transport {
  /** epoll where available (Linux), else NIO. */
  AUTO,
  /** Linux io_uring (kernel 5.14 or later, not disabled by {@code kernel.io_uring_disabled}). */
  IO_URING,
  /** Linux epoll. */
  EPOLL,
  /** The JDK's NIO selector: every platform. */
  NIO;

  /** The lower-case name used in config, logs and metric tags: {@code io_uring}. */
  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads a transport's name in any case: {@code io_uring}, {@code EPOLL}. */
  @JsonCreator
  public static Transport of(String name) {
    for (Transport transport : values()) {
      if (transport.name().equalsIgnoreCase(name == null ? "" : name.strip())) {
        return transport;
      }
    }
    throw new IllegalArgumentException(
        "transport: " + name + " (expected: auto, io_uring, epoll or nio)");
  }
}
