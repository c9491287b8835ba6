package io.herald.logic.inbox;

import java.util.Objects;

/**
 * One device's position in its user's inbox: the highest seq it holds without a gap.
 *
 * @param mid the user
 * @param key the device key
 * @param epoch the epoch {@code seq} belongs to
 * @param seq the seq
 */
public record DeviceCursor(long mid, String key, long epoch, long seq) {
  public DeviceCursor {
    Objects.requireNonNull(key, "key");
  }
}
