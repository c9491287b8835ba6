package io.herald.logic.auth;

import io.herald.config.Hosts;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * goim's behaviour: believes the {@code mid} in the AUTH body, with no token. Any client may claim
 * any user id, so it is refused unless explicitly enabled ({@code auth.allowTrust: true}), and
 * warns when it is: for development and {@code herald standalone} only.
 *
 * <p>It believes only clients on this machine (a loopback address, as the Comet saw it), unless
 * {@code auth.allowTrustBeyondLoopback: true} forces it: a Comet listening on every interface in
 * front of a trusting Logic would otherwise let anyone who reaches it claim any user. Another
 * client is refused as {@code UNAUTHENTICATED}; the first refusal logs a WARN saying why, later
 * ones DEBUG, and each counts in {@code herald.logic.auth{mode=trust,result=unauthenticated}}.
 *
 * <p>Like goim, mid 0 is accepted: an anonymous connection, reachable by key, room and broadcast
 * but under no user. A negative mid is refused as {@code MALFORMED}.
 */
public final class TrustAuthenticator implements Authenticator {
  private static final Logger log = LoggerFactory.getLogger(TrustAuthenticator.class);

  private final boolean beyondLoopback;
  private final AtomicBoolean warnedOfRemote = new AtomicBoolean();

  /**
   * Trust for clients on this machine only.
   *
   * @param allowTrust {@link AuthConfig#allowTrust()}: must be true
   * @throws IllegalStateException if it is not, telling how to enable trust mode
   */
  public TrustAuthenticator(boolean allowTrust) {
    this(allowTrust, false);
  }

  /**
   * @param allowTrust {@link AuthConfig#allowTrust()}: must be true
   * @param beyondLoopback {@link AuthConfig#allowTrustBeyondLoopback()}: believe clients anywhere
   * @throws IllegalStateException if {@code allowTrust} is not set, telling how to enable it
   */
  public TrustAuthenticator(boolean allowTrust, boolean beyondLoopback) {
    if (!allowTrust) {
      throw new IllegalStateException(
          "auth mode trust refused: it lets any client claim any mid. To use it anyway, for"
              + " development and standalone only, set auth.allowTrust: true; in production use"
              + " auth.mode jwt or webhook");
    }
    this.beyondLoopback = beyondLoopback;
    if (beyondLoopback) {
      log.warn(
          "trust mode beyond loopback (auth.allowTrustBeyondLoopback): anyone who reaches a Comet"
              + " may claim any mid; never in production");
    } else {
      log.warn("trust mode: any client may claim any mid; for development and standalone only");
    }
  }

  @Override
  public CompletableFuture<Identity> authenticate(AuthBody request) {
    if (!beyondLoopback && !Hosts.isLoopback(request.clientIp())) {
      if (warnedOfRemote.compareAndSet(false, true)) {
        log.warn(
            "trust mode refused a client at {}: it believes clients on this machine only (set"
                + " auth.allowTrustBeyondLoopback: true to force it, or use auth.mode jwt or"
                + " webhook); later refusals are logged at DEBUG",
            request.clientIp());
      } else {
        log.debug("trust mode refused a client at {}: not loopback", request.clientIp());
      }
      return CompletableFuture.failedFuture(
          new AuthException(
              AuthException.Reason.UNAUTHENTICATED,
              "trust mode: clients on the server's own machine only"));
    }
    if (request.mid() < 0) {
      return CompletableFuture.failedFuture(
          new AuthException(
              AuthException.Reason.MALFORMED,
              "mid: negative (expected: >= 0; 0 connects anonymously)"));
    }
    return CompletableFuture.completedFuture(new Identity(request.mid()));
  }
}
