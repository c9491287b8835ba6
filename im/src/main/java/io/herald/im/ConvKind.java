package io.herald.im;

/** The two kinds of conversation, with their wire codes ({@code conv} = int8 kind + int64 id). */
public enum ConvKind {
  /** One-to-one between two users (wire kind 1). */
  USER(1),
  /** A group (wire kind 2). */
  GROUP(2);

  private final int code;

  ConvKind(int code) {
    this.code = code;
  }

  /** The wire and database code: 1 user, 2 group. */
  public int code() {
    return code;
  }

  /**
   * The kind with this code.
   *
   * @throws IllegalArgumentException for a code other than 1 or 2
   */
  public static ConvKind of(int code) {
    return switch (code) {
      case 1 -> USER;
      case 2 -> GROUP;
      default -> throw new IllegalArgumentException("kind: " + code + " (expected: 1 or 2)");
    };
  }
}
