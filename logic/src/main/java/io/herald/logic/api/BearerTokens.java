package io.herald.logic.api;

import io.herald.logic.overload.TokenRate;
import io.herald.logic.push.ApiToken;
import io.herald.logic.push.PushConfig;
import io.herald.ops.auth.BearerToken;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The push API's callers (and the admin console's): an {@code Authorization: Bearer <token>} value
 * is let in if the token is a configured one whose scopes include what the endpoint needs ({@link
 * ApiToken.Scope}), and, for a push, if the token's rate limit has room ({@link TokenRate}). Tokens
 * are compared as SHA-256 digests with {@link MessageDigest#isEqual}, against every configured
 * token, so the time taken tells nothing about how much of a token matched.
 *
 * <p>Several tokens are valid at once, so a token is rotated without downtime: add the new one,
 * move the callers, remove the old one (each step a config change and a rolling restart; the lists
 * are read at start).
 */
public final class BearerTokens {
  /** What a request's {@code Authorization} header earns it. */
  public enum Outcome {
    ALLOWED,
    /** No token, not a bearer token, or not a configured one: HTTP 401, gRPC UNAUTHENTICATED. */
    UNAUTHENTICATED,
    /** A configured token without the scope: HTTP 403, gRPC PERMISSION_DENIED. */
    FORBIDDEN,
    /** The token's push rate limit is spent: HTTP 429 + Retry-After, gRPC RESOURCE_EXHAUSTED. */
    RATE_LIMITED
  }

  /**
   * The verdict on one request.
   *
   * @param reason why it is refused, safe to show the caller (never the token); empty if allowed
   * @param retryAfterSeconds for {@link Outcome#RATE_LIMITED}: when to try again, at least 1
   */
  public record Verdict(Outcome outcome, String reason, long retryAfterSeconds) {
    static final Verdict ALLOWED = new Verdict(Outcome.ALLOWED, "", 0);

    public boolean allowed() {
      return outcome == Outcome.ALLOWED;
    }
  }

  private record Entry(byte[] digest, Set<ApiToken.Scope> scopes, TokenRate rate) {}

  private final boolean required;
  private final List<Entry> entries;
  private final List<byte[]> digests;

  private BearerTokens(boolean required, List<Entry> entries) {
    this.required = required;
    this.entries = entries;
    this.digests = entries.stream().map(Entry::digest).toList();
  }

  /**
   * The tokens of {@code api}: {@code tokens} (push and read) and {@code scopedTokens}.
   *
   * @throws IllegalArgumentException if a token is required but none is configured
   */
  public static BearerTokens of(PushConfig.Api api) {
    return of(api, System::nanoTime);
  }

  /** As {@link #of(PushConfig.Api)}, rate limits timed by {@code nanoTicker}. */
  static BearerTokens of(PushConfig.Api api, LongSupplier nanoTicker) {
    api.checkTokens();
    List<Entry> entries = new ArrayList<>();
    for (ApiToken token : api.allTokens()) {
      entries.add(
          new Entry(
              BearerToken.digest(token.token()),
              token.grants(),
              token.limited()
                  ? new TokenRate(token.pushesPerSecond(), token.pushBurst(), nanoTicker)
                  : null));
    }
    return new BearerTokens(api.requireToken(), List.copyOf(entries));
  }

  /**
   * Exactly {@code tokens}, one of which every request must carry, granting {@code admin} (the
   * admin console's).
   *
   * @throws IllegalArgumentException if {@code tokens} is empty
   */
  public static BearerTokens required(List<String> tokens) {
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("tokens: [] (expected: at least one token)");
    }
    return new BearerTokens(
        true,
        tokens.stream()
            .map(token -> new Entry(BearerToken.digest(token), Set.of(ApiToken.Scope.ADMIN), null))
            .toList());
  }

  /**
   * Whether a request with this {@code Authorization} header value may call an endpoint that needs
   * {@code scope}; a push ({@link ApiToken.Scope#PUSH}) that is let in takes one from its token's
   * rate limit.
   */
  public Verdict check(String authorization, ApiToken.Scope scope) {
    if (!required) {
      return Verdict.ALLOWED;
    }
    BearerToken.Presented presented = BearerToken.read(authorization);
    if (!presented.present()) {
      return refused(Outcome.UNAUTHENTICATED, presented.problem());
    }
    int found = BearerToken.indexOf(digests, presented.token());
    if (found < 0) {
      return refused(Outcome.UNAUTHENTICATED, "invalid bearer token");
    }
    Entry entry = entries.get(found);
    if (!entry.scopes().contains(scope)) {
      return refused(Outcome.FORBIDDEN, "token lacks scope " + scope.key());
    }
    if (scope == ApiToken.Scope.PUSH && entry.rate() != null) {
      long waitNanos = entry.rate().tryTake();
      if (waitNanos > 0) {
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
        return new Verdict(
            Outcome.RATE_LIMITED,
            "push rate limit of this token exceeded (retry after " + seconds + " s)",
            seconds);
      }
    }
    return Verdict.ALLOWED;
  }

  private static Verdict refused(Outcome outcome, String reason) {
    return new Verdict(outcome, reason, 0);
  }
}
