package io.herald.wire.chat;

import io.herald.wire.delivery.MalformedBodyException;

/** What a chat conversation is with: one other user, or a group. Int8 on the wire. */
public enum ChatKind {
  USER(1),
  GROUP(2);

  private final int code;

  ChatKind(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The kind of wire code {@code code}; a malformed body for any other value. */
  public static ChatKind of(int code) {
    return switch (code) {
      case 1 -> USER;
      case 2 -> GROUP;
      default -> throw new MalformedBodyException("unknown conversation kind " + code);
    };
  }
}
