package io.herald.logic.auth;

import io.herald.logic.Failures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts AUTH outcomes as {@code herald.logic.auth{mode, result}}, result one of {@code ok}, {@code
 * malformed}, {@code unauthenticated}, {@code forbidden}, {@code unavailable}, and holds the
 * authenticator to its contract: the future it returns completes exceptionally only with an {@link
 * AuthException} itself (never wrapped); an unexpected failure becomes {@code UNAVAILABLE} and is
 * logged.
 *
 * <p>{@link #parse(byte[], String)} is {@link AuthBodyParser#parse(byte[], String)} counting
 * malformed bodies under the same meter.
 */
public final class MeteredAuthenticator implements Authenticator {
  private static final Logger log = LoggerFactory.getLogger(MeteredAuthenticator.class);

  /** The meter's name. */
  public static final String METER = "herald.logic.auth";

  private final Authenticator delegate;
  private final String mode;
  private final Counter ok;
  private final Map<AuthException.Reason, Counter> refused =
      new EnumMap<>(AuthException.Reason.class);

  /**
   * @param mode the {@code mode} tag: {@link AuthConfig#mode()}, a bounded value
   */
  public MeteredAuthenticator(Authenticator delegate, String mode, MeterRegistry registry) {
    this.delegate = delegate;
    this.mode = mode;
    this.ok = counter(registry, mode, "ok");
    for (AuthException.Reason reason : AuthException.Reason.values()) {
      refused.put(reason, counter(registry, mode, reason.name().toLowerCase(Locale.ROOT)));
    }
  }

  /** The authenticator's mode, as configured. */
  public String mode() {
    return mode;
  }

  /** Parses an AUTH body, counting a malformed one. */
  public AuthBody parse(byte[] body, String clientIp) {
    try {
      return AuthBodyParser.parse(body, clientIp);
    } catch (AuthException e) {
      refused.get(e.reason()).increment();
      throw e;
    }
  }

  @Override
  public CompletableFuture<Identity> authenticate(AuthBody request) {
    CompletableFuture<Identity> source;
    try {
      source = delegate.authenticate(request);
    } catch (RuntimeException e) {
      source = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Identity> result = new CompletableFuture<>();
    var unused =
        source.whenComplete(
            (identity, error) -> {
              if (error == null) {
                ok.increment();
                result.complete(identity);
                return;
              }
              AuthException refusal = asRefusal(error);
              refused.get(refusal.reason()).increment();
              result.completeExceptionally(refusal);
            });
    return result;
  }

  private AuthException asRefusal(Throwable error) {
    Throwable cause = Failures.cause(error);
    if (cause instanceof AuthException refusal) {
      return refusal;
    }
    log.warn("Authenticator {} failed unexpectedly", mode, cause);
    return new AuthException(
        AuthException.Reason.UNAVAILABLE, "auth unavailable; retry later", cause);
  }

  private static Counter counter(MeterRegistry registry, String mode, String result) {
    return Counter.builder(METER)
        .description("AUTH requests by authenticator mode and outcome")
        .tag("mode", mode)
        .tag("result", result)
        .register(registry);
  }
}
