package io.herald.wire.chat;

/**
 * The outcome at the head of every chat reply (int16). Anything but {@link #OK} is followed by a
 * UTF-8 message and nothing else ({@link ChatError}).
 */
public enum ChatStatus {
  /** Done; the reply's fields follow. */
  OK(0),
  /** A malformed body, an unknown kind, a message to oneself, a bad limit. */
  BAD_REQUEST(1),
  /** The caller is not a member of the group. */
  NOT_MEMBER(2),
  /** The content is larger than the server's limit. */
  TOO_LARGE(3),
  /** The caller sends faster than allowed; the message says when to retry. */
  RATE_LIMITED(4),
  /** The application's policy refused it (the message is its reason). */
  REFUSED(5),
  /** No such group. */
  NOT_FOUND(6),
  /** The server cannot do it now (storage or Logic unreachable): retry, with the same client id. */
  UNAVAILABLE(7),
  /** A limit would be exceeded: the group is full, the user is in too many large groups. */
  LIMIT_EXCEEDED(8);

  private static final ChatStatus[] BY_CODE = values();

  private final int code;

  ChatStatus(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** Whether retrying the same request later may succeed. */
  public boolean retryable() {
    return this == RATE_LIMITED || this == UNAVAILABLE;
  }

  /** The status of wire code {@code code}; an unknown code reads as {@link #UNAVAILABLE}. */
  public static ChatStatus of(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNAVAILABLE;
  }
}
