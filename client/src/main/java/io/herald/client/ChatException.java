package io.herald.client;

import io.herald.wire.chat.ChatStatus;
import java.util.Objects;

/**
 * Why a chat request failed: the server's status and message ({@link ChatStatus#NOT_MEMBER}, {@link
 * ChatStatus#TOO_LARGE}, ...), or {@link ChatStatus#UNAVAILABLE} when no answer came within the
 * retry policy's attempts (timeouts, a lost connection, the server's own UNAVAILABLE or
 * RATE_LIMITED every time). The futures of {@link Chat} fail with it, wrapped in a {@link
 * java.util.concurrent.CompletionException} when read with {@code join()}.
 */
public final class ChatException extends HeraldClientException {
  private static final long serialVersionUID = 1L;

  private final ChatStatus status;

  public ChatException(ChatStatus status, String message) {
    this(status, message, null);
  }

  public ChatException(ChatStatus status, String message, Throwable cause) {
    super(Objects.requireNonNull(status, "status") + ": " + message, cause);
    this.status = status;
  }

  /** The server's status, or UNAVAILABLE when it could not be reached in time. */
  public ChatStatus status() {
    return status;
  }
}
