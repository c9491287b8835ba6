package io.herald.im;

/**
 * A conversation's stored key: {@code u:<lo>:<hi>} for one-to-one (the two mids, lo &lt; hi) or
 * {@code g:<groupId>} for a group. The same pair of users always gives the same key, whichever of
 * them is the sender. A system message to user {@code to} lives in {@code user(0, to)}.
 */
public final class ConvKey {
  private final ConvKind kind;
  private final long lo;
  private final long hi;
  private final String value;

  private ConvKey(ConvKind kind, long lo, long hi, String value) {
    this.kind = kind;
    this.lo = lo;
    this.hi = hi;
    this.value = value;
  }

  /**
   * The one-to-one conversation of two users, in either order.
   *
   * @throws IllegalArgumentException if {@code a == b} (a message to oneself) or an id is negative
   */
  public static ConvKey user(long a, long b) {
    if (a == b) {
      throw new IllegalArgumentException(
          "conversation: " + a + " with itself (expected: two users)");
    }
    if (a < 0 || b < 0) {
      throw new IllegalArgumentException(
          "conversation: " + a + ", " + b + " (expected: user ids >= 0)");
    }
    long lo = Math.min(a, b);
    long hi = Math.max(a, b);
    return new ConvKey(ConvKind.USER, lo, hi, "u:" + lo + ":" + hi);
  }

  /**
   * A group's conversation.
   *
   * @throws IllegalArgumentException if {@code groupId <= 0}
   */
  public static ConvKey group(long groupId) {
    if (groupId <= 0) {
      throw new IllegalArgumentException("group: " + groupId + " (expected: > 0)");
    }
    return new ConvKey(ConvKind.GROUP, groupId, groupId, "g:" + groupId);
  }

  /**
   * The conversation {@code (kind, id)} as the wire names it from {@code me}'s view: kind 1 with
   * the peer's mid, kind 2 with the group id.
   */
  public static ConvKey of(long me, ConvKind kind, long id) {
    return kind == ConvKind.USER ? user(me, id) : group(id);
  }

  /**
   * Parses a stored key ({@code u:1:2}, {@code g:7}).
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static ConvKey parse(String key) {
    try {
      if (key.startsWith("g:")) {
        return group(Long.parseLong(key.substring(2)));
      }
      if (key.startsWith("u:")) {
        int colon = key.indexOf(':', 2);
        long lo = Long.parseLong(key.substring(2, colon));
        long hi = Long.parseLong(key.substring(colon + 1));
        ConvKey parsed = user(lo, hi);
        if (parsed.lo == lo) {
          return parsed;
        }
      }
    } catch (RuntimeException e) {
      // falls through to the precise error below
    }
    throw new IllegalArgumentException(
        "conversation key: " + key + " (expected: u:<lo>:<hi> with lo < hi, or g:<groupId>)");
  }

  public ConvKind kind() {
    return kind;
  }

  public boolean isGroup() {
    return kind == ConvKind.GROUP;
  }

  /** The smaller mid of a one-to-one conversation; the group id of a group. */
  public long lo() {
    return lo;
  }

  /** The larger mid of a one-to-one conversation; the group id of a group. */
  public long hi() {
    return hi;
  }

  /**
   * The group id.
   *
   * @throws IllegalStateException for a one-to-one conversation
   */
  public long groupId() {
    if (kind != ConvKind.GROUP) {
      throw new IllegalStateException(value + " is not a group");
    }
    return lo;
  }

  /** Whether {@code mid} is one of the two users of a one-to-one conversation. */
  public boolean hasUser(long mid) {
    return kind == ConvKind.USER && (lo == mid || hi == mid);
  }

  /**
   * The id of this conversation from {@code me}'s view: the other user of a one-to-one conversation
   * (me must be one of them), the group id of a group.
   *
   * @throws IllegalArgumentException if {@code me} is not in this one-to-one conversation
   */
  public long idFor(long me) {
    if (kind == ConvKind.GROUP) {
      return lo;
    }
    if (me == lo) {
      return hi;
    }
    if (me == hi) {
      return lo;
    }
    throw new IllegalArgumentException("user " + me + " is not in " + value);
  }

  /** The stored form, e.g. {@code u:1:2}. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConvKey other && other.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}
