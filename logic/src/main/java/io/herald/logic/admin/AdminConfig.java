package io.herald.logic.admin;

import io.herald.config.Check;
import java.util.List;

/**
 * The operators' console ({@code /herald/admin/}, {@code docs/console.md}): who may use it. With no
 * token the console is off — its paths answer 404 — and Logic says so at start.
 *
 * @param tokens the accepted admin bearer tokens, any of them (a list, so a new token can be added
 *     before the old one is removed); each at least {@value #MIN_TOKEN_LENGTH} characters, without
 *     whitespace, and none of them also a push API token ({@code push.api.tokens}, checked by
 *     {@code LogicConfig}): a backend allowed to push is not thereby allowed to drain Comets
 */
public record AdminConfig(List<String> tokens) {
  /** Admin tokens guard draining Comets: no short ones. */
  static final int MIN_TOKEN_LENGTH = 16;

  /** The console off. */
  public static AdminConfig defaults() {
    return new AdminConfig(List.of());
  }

  public AdminConfig {
    tokens = tokens == null ? List.of() : List.copyOf(tokens);
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      String name = "tokens[" + i + "]";
      Check.notBlank(name, token);
      Check.state(
          token.chars().noneMatch(Character::isWhitespace), name, "<hidden>", "no whitespace");
      Check.state(
          token.length() >= MIN_TOKEN_LENGTH,
          name,
          "<hidden, " + token.length() + " characters>",
          "at least " + MIN_TOKEN_LENGTH + " characters");
    }
  }

  /** Whether the console is served: at least one token is configured. */
  public boolean enabled() {
    return !tokens.isEmpty();
  }

  public AdminConfig withTokens(List<String> newTokens) {
    return new AdminConfig(newTokens);
  }

  @Override
  public String toString() {
    return "AdminConfig[tokens=<" + tokens.size() + " hidden>]";
  }
}
