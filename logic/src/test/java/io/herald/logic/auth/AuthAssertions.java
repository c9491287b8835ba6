package io.herald.logic.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Reads an authenticator's outcome in tests. */
final class AuthAssertions {
  private AuthAssertions() {}

  /** The identity the future completes with, waiting at most 10 s. */
  static Identity accepted(CompletableFuture<Identity> future) throws Exception {
    return future.get(10, TimeUnit.SECONDS);
  }

  /** The refusal the future fails with, waiting at most 10 s. */
  static AuthException refusal(CompletableFuture<?> future) {
    Throwable thrown = catchThrowable(() -> future.get(10, TimeUnit.SECONDS));
    assertThat(thrown).isInstanceOf(ExecutionException.class);
    assertThat(thrown.getCause()).isInstanceOf(AuthException.class);
    return (AuthException) thrown.getCause();
  }

  /** The refusal a synchronous call throws. */
  static AuthException refusal(Runnable call) {
    Throwable thrown = catchThrowable(call::run);
    assertThat(thrown).isInstanceOf(AuthException.class);
    return (AuthException) thrown;
  }
}
