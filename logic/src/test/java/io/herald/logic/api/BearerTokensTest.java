package io.herald.logic.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.logic.push.ApiToken;
import io.herald.logic.push.PushConfig;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BearerTokensTest {
  /** The refusal reason for a push-and-read endpoint, empty if let in (the plain tokens' view). */
  private static Optional<String> reject(BearerTokens tokens, String authorization) {
    BearerTokens.Verdict verdict = tokens.check(authorization, ApiToken.Scope.READ);
    return verdict.allowed() ? Optional.empty() : Optional.of(verdict.reason());
  }

  private static Optional<String> check(BearerTokens tokens, String authorization) {
    BearerTokens.Verdict verdict = tokens.check(authorization, ApiToken.Scope.ADMIN);
    return verdict.allowed() ? Optional.empty() : Optional.of(verdict.reason());
  }

  private final BearerTokens tokens =
      BearerTokens.of(new PushConfig.Api(true, List.of("first-token", "second-token"), 10, 10));

  @Test
  void acceptsAnyConfiguredToken() {
    assertThat(reject(tokens, "Bearer first-token")).isEmpty();
    assertThat(reject(tokens, "bearer second-token")).isEmpty();
    assertThat(reject(tokens, "Bearer   second-token ")).isEmpty();
  }

  @Test
  void refusesMissingMalformedAndWrongTokens() {
    assertThat(reject(tokens, null)).hasValueSatisfying(r -> assertThat(r).contains("missing"));
    assertThat(reject(tokens, "")).hasValueSatisfying(r -> assertThat(r).contains("missing"));
    assertThat(reject(tokens, "Basic Zmlyc3QtdG9rZW4="))
        .hasValueSatisfying(r -> assertThat(r).contains("not a bearer token"));
    assertThat(reject(tokens, "Bearer first-token-and-more")).hasValue("invalid bearer token");
    assertThat(reject(tokens, "Bearer first")).hasValue("invalid bearer token");
    assertThat(reject(tokens, "Bearer "))
        .hasValueSatisfying(r -> assertThat(r).contains("missing"));
  }

  @Test
  void letsEveryoneInWhenNoTokenIsRequired() {
    BearerTokens open = BearerTokens.of(new PushConfig.Api(false, List.of(), 10, 10));

    assertThat(reject(open, null)).isEmpty();
  }

  @Test
  void refusesToRequireATokenWithoutAny() {
    assertThatThrownBy(() -> BearerTokens.of(new PushConfig.Api(true, List.of(), 10, 10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokens");
  }

  /** The admin console's tokens: always required, exactly those given. */
  @Test
  void requiredTokensAreNeverOptional() {
    BearerTokens admin = BearerTokens.required(List.of("admin-token-one"));

    assertThat(check(admin, "Bearer admin-token-one")).isEmpty();
    assertThat(check(admin, null)).hasValueSatisfying(r -> assertThat(r).contains("missing"));
    assertThat(check(admin, "Bearer first-token")).hasValue("invalid bearer token");
    assertThatThrownBy(() -> BearerTokens.required(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tokens: [] (expected: at least one token)");
  }

  @Test
  void aPlainTokenGrantsPushAndReadButNotAdmin() {
    assertThat(tokens.check("Bearer first-token", ApiToken.Scope.PUSH).allowed()).isTrue();
    assertThat(tokens.check("Bearer first-token", ApiToken.Scope.READ).allowed()).isTrue();
    assertThat(tokens.check("Bearer first-token", ApiToken.Scope.ADMIN).outcome())
        .isEqualTo(BearerTokens.Outcome.FORBIDDEN);
  }

  @Test
  void aScopedTokenGrantsItsScopesOnly() {
    BearerTokens scoped =
        BearerTokens.of(
            new PushConfig.Api(
                true,
                List.of("plain-token"),
                10,
                10,
                List.of(
                    ApiToken.of("pusher-token", ApiToken.Scope.PUSH),
                    ApiToken.parse("read:reader-token"),
                    ApiToken.parse("admin+read:an-admin-token-of-24ch"))));

    assertThat(scoped.check("Bearer pusher-token", ApiToken.Scope.PUSH).allowed()).isTrue();
    BearerTokens.Verdict readByPusher = scoped.check("Bearer pusher-token", ApiToken.Scope.READ);
    assertThat(readByPusher.outcome()).isEqualTo(BearerTokens.Outcome.FORBIDDEN);
    assertThat(readByPusher.reason()).isEqualTo("token lacks scope read").doesNotContain("pusher");
    assertThat(scoped.check("Bearer reader-token", ApiToken.Scope.READ).allowed()).isTrue();
    assertThat(scoped.check("Bearer reader-token", ApiToken.Scope.PUSH).outcome())
        .isEqualTo(BearerTokens.Outcome.FORBIDDEN);
    assertThat(scoped.check("Bearer an-admin-token-of-24ch", ApiToken.Scope.ADMIN).allowed())
        .isTrue();
    assertThat(scoped.check("Bearer an-admin-token-of-24ch", ApiToken.Scope.PUSH).outcome())
        .isEqualTo(BearerTokens.Outcome.FORBIDDEN);
    assertThat(scoped.check("Bearer plain-token", ApiToken.Scope.PUSH).allowed()).isTrue();
    assertThat(scoped.check("Bearer nobody", ApiToken.Scope.READ).outcome())
        .isEqualTo(BearerTokens.Outcome.UNAUTHENTICATED);
  }

  @Test
  void aTokensPushRateIsItsOwnAndRefillsWithTime() {
    AtomicLong now = new AtomicLong(1_000);
    BearerTokens limited =
        BearerTokens.of(
            new PushConfig.Api(
                true,
                List.of("free-token"),
                10,
                10,
                List.of(new ApiToken("slow-token", List.of("push", "read"), 2, 3))),
            now::get);

    for (int i = 0; i < 3; i++) {
      assertThat(limited.check("Bearer slow-token", ApiToken.Scope.PUSH).allowed()).isTrue();
    }
    BearerTokens.Verdict refused = limited.check("Bearer slow-token", ApiToken.Scope.PUSH);
    assertThat(refused.outcome()).isEqualTo(BearerTokens.Outcome.RATE_LIMITED);
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    // Reads never spend the push rate; other tokens have their own.
    assertThat(limited.check("Bearer slow-token", ApiToken.Scope.READ).allowed()).isTrue();
    for (int i = 0; i < 100; i++) {
      assertThat(limited.check("Bearer free-token", ApiToken.Scope.PUSH).allowed()).isTrue();
    }
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500)); // one push at 2/s
    assertThat(limited.check("Bearer slow-token", ApiToken.Scope.PUSH).allowed()).isTrue();
    assertThat(limited.check("Bearer slow-token", ApiToken.Scope.PUSH).allowed()).isFalse();
  }

  @Test
  void twoTokensAreValidAtOnceSoOneRotatesWithoutDowntime() {
    BearerTokens old = BearerTokens.of(new PushConfig.Api(true, List.of("old-token"), 10, 10));
    BearerTokens both =
        BearerTokens.of(new PushConfig.Api(true, List.of("old-token", "new-token"), 10, 10));
    BearerTokens rotated = BearerTokens.of(new PushConfig.Api(true, List.of("new-token"), 10, 10));

    assertThat(reject(old, "Bearer old-token")).isEmpty();
    assertThat(reject(both, "Bearer old-token")).isEmpty();
    assertThat(reject(both, "Bearer new-token")).isEmpty();
    assertThat(reject(rotated, "Bearer new-token")).isEmpty();
    assertThat(reject(rotated, "Bearer old-token")).hasValue("invalid bearer token");
  }
}
