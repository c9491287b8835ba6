package io.herald.logic;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What a failed call failed with, wherever Logic turns a failure into a reply, a status, a metric
 * or a message: the exception under the {@link CompletionException}s and {@link
 * ExecutionException}s futures wrap it in, and the reason it gives.
 */
public final class Failures {
  private Failures() {}

  /** The exception under any {@code CompletionException} or {@code ExecutionException}. */
  public static Throwable cause(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** The {@link #cause}'s message, or its class's simple name when it has none. */
  public static String reason(Throwable error) {
    Throwable cause = cause(error);
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  /**
   * The {@link #cause} as an exception to throw or hand to gRPC's error mapping: itself when it is
   * unchecked, else an {@link IllegalStateException} around it.
   */
  public static RuntimeException unchecked(Throwable error) {
    Throwable cause = cause(error);
    return cause instanceof RuntimeException runtime
        ? runtime
        : new IllegalStateException(cause.getMessage(), cause);
  }
}
