package io.herald.logic.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.logic.push.PushConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class BearerTokensTest {
  private final BearerTokens tokens =
      BearerTokens.of(new PushConfig.Api(true, List.of("first-token", "second-token"), 10, 10));

  @Test
  void acceptsAnyConfiguredToken() {
    assertThat(tokens.reject("Bearer first-token")).isEmpty();
    assertThat(tokens.reject("bearer second-token")).isEmpty();
    assertThat(tokens.reject("Bearer   second-token ")).isEmpty();
  }

  @Test
  void refusesMissingMalformedAndWrongTokens() {
    assertThat(tokens.reject(null)).hasValueSatisfying(r -> assertThat(r).contains("missing"));
    assertThat(tokens.reject("")).hasValueSatisfying(r -> assertThat(r).contains("missing"));
    assertThat(tokens.reject("Basic Zmlyc3QtdG9rZW4="))
        .hasValueSatisfying(r -> assertThat(r).contains("not a bearer token"));
    assertThat(tokens.reject("Bearer first-token-and-more")).hasValue("invalid bearer token");
    assertThat(tokens.reject("Bearer first")).hasValue("invalid bearer token");
    assertThat(tokens.reject("Bearer ")).hasValue("invalid bearer token");
  }

  @Test
  void letsEveryoneInWhenNoTokenIsRequired() {
    BearerTokens open = BearerTokens.of(new PushConfig.Api(false, List.of(), 10, 10));

    assertThat(open.reject(null)).isEmpty();
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

    assertThat(admin.reject("Bearer admin-token-one")).isEmpty();
    assertThat(admin.reject(null)).hasValueSatisfying(r -> assertThat(r).contains("missing"));
    assertThat(admin.reject("Bearer first-token")).hasValue("invalid bearer token");
    assertThatThrownBy(() -> BearerTokens.required(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tokens: [] (expected: at least one token)");
  }
}
