package io.herald.logic.admin;

import io.herald.ops.auth.BearerToken;
import java.util.List;

/**
 * The operators' console ({@code /herald/admin/}, {@code docs/console.md}): who may use it, and
 * what it shows a Comet when it drains one. With no token the console is off — its paths answer 404
 * — and Logic says so at start.
 *
 * @param tokens the accepted admin bearer tokens, any of them (a list, so a new token can be added
 *     before the old one is removed); each at least {@value BearerToken#MIN_ADMIN_LENGTH}
 *     characters, without whitespace, and none of them also a push API token ({@code
 *     push.api.tokens}, checked by {@code LogicConfig}): a backend allowed to push is not thereby
 *     allowed to drain Comets
 * @param cometToken the bearer token the console's drain sends with the Comet's gRPC {@code Drain},
 *     one of the Comets' {@code admin.tokens}; empty: none is sent, which a Comet whose gRPC port
 *     is on a non-loopback address without mutual TLS refuses (same rules as {@code tokens})
 */
public record AdminConfig(List<String> tokens, String cometToken) {
  /** The console off. */
  public static AdminConfig defaults() {
    return new AdminConfig(List.of(), "");
  }

  public AdminConfig {
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
    for (int i = 0; i < tokens.size(); i++) {
      BearerToken.checkConfigured("tokens[" + i + "]", tokens.get(i), BearerToken.MIN_ADMIN_LENGTH);
    }
    cometToken = cometToken == null ? "" : cometToken;
    if (!cometToken.isEmpty()) {
      BearerToken.checkConfigured("cometToken", cometToken, BearerToken.MIN_ADMIN_LENGTH);
    }
  }

  /** Whether the console is served: at least one token is configured. */
  public boolean enabled() {
    return !tokens.isEmpty();
  }

  public AdminConfig withTokens(List<String> newTokens) {
    return new AdminConfig(newTokens, cometToken);
  }

  public AdminConfig withCometToken(String token) {
    return new AdminConfig(tokens, token);
  }

  @Override
  public String toString() {
    return "AdminConfig[tokens=<"
        + tokens.size()
        + " hidden>, cometToken="
        + (cometToken.isEmpty() ? "" : "<hidden>")
        + "]";
  }
}
