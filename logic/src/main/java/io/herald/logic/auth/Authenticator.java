package io.herald.logic.auth;

import java.util.concurrent.CompletableFuture;

/**
 * Decides who an AUTH request is. Completes with the {@link Identity}, or exceptionally with an
 * {@link AuthException} whose reason and message go back to the Comet (and, in protocol version 2,
 * to the client). Never blocks the calling thread. Chosen by config: {@code jwt} (the production
 * default), {@code webhook}, or {@code trust} (goim's behaviour, development only).
 */
public interface Authenticator {
  CompletableFuture<Identity> authenticate(AuthBody request);
}
