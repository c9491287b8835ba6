package io.herald.logic.auth;

import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * goim's behaviour: believes the {@code mid} in the AUTH body, with no token. Any client may claim
 * any user id, so it is refused unless explicitly enabled ({@code auth.allowTrust: true}), and
 * warns when it is: for development and {@code herald standalone} only.
 *
 * <p>Like goim, mid 0 is accepted: an anonymous connection, reachable by key, room and broadcast
 * but under no user. A negative mid is refused as {@code MALFORMED}.
 */
public final class TrustAuthenticator implements Authenticator {
  private static final Logger log = LoggerFactory.getLogger(TrustAuthenticator.class);

  /**
   * @param allowTrust {@link AuthConfig#allowTrust()}: must be true
   * @throws IllegalStateException if it is not, telling how to enable trust mode
   */
  public TrustAuthenticator(boolean allowTrust) {
    if (!allowTrust) {
      throw new IllegalStateException(
          "auth mode trust refused: it lets any client claim any mid. To use it anyway, for"
              + " development and standalone only, set auth.allowTrust: true; in production use"
              + " auth.mode jwt or webhook");
    }
    log.warn("trust mode: any client may claim any mid; for development and standalone only");
  }

  @Override
  public CompletableFuture<Identity> authenticate(AuthRequest request) {
    if (request.mid() < 0) {
      return CompletableFuture.failedFuture(
          new AuthException(
              AuthException.Reason.MALFORMED,
              "mid: negative (expected: >= 0; 0 connects anonymously)"));
    }
    return CompletableFuture.completedFuture(new Identity(request.mid()));
  }
}
