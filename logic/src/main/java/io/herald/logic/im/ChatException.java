package io.herald.logic.im;

import io.herald.wire.chat.ChatStatus;

/**
 * A chat request refused or failed with a status of the wire's table ({@link ChatStatus}): the
 * client gets it as a {@code ChatError}, the backend API as the matching gRPC status or HTTP code.
 * Stackless: refusals are ordinary outcomes.
 */
public final class ChatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ChatStatus status;

  public ChatException(ChatStatus status, String message) {
    this(status, message, null);
  }

  public ChatException(ChatStatus status, String message, Throwable cause) {
    super(message, cause, false, false);
    if (status == ChatStatus.OK) {
      throw new IllegalArgumentException("a ChatException needs a status other than OK");
    }
    this.status = status;
  }

  public ChatStatus status() {
    return status;
  }

  static ChatException badRequest(String message) {
    return new ChatException(ChatStatus.BAD_REQUEST, message);
  }
}
