package io.herald.logic.push;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.herald.config.Check;
import io.herald.ops.auth.BearerToken;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A bearer token of {@code push.api.scopedTokens}: what its holder may call, and how fast it may
 * push. In YAML, an object:
 *
 * <pre>
 * - token: 3a1b...            # no whitespace
 *   scopes: [push]            # some of push, read, admin; default [push, read]
 *   pushesPerSecond: 200      # pushes (calls) per second, per Logic instance; 0 = no limit
 *   pushBurst: 400            # pushes let through at once after a pause; default pushesPerSecond
 * </pre>
 *
 * or, where only a string fits (an environment variable, {@code
 * LOGIC_PUSH_API_SCOPEDTOKENS=read:tok1,push+read:tok2}), {@code scope[+scope]:token} with no rate
 * limit.
 *
 * <p>Scopes: {@code push} — the push endpoints (HTTP {@code /goim/push/*}, gRPC {@code Push*}, the
 * IM API's writes); {@code read} — the read-only ones (online counts, inbox reads, the IM API's
 * reads); {@code admin} — the operators' console and its API (draining a Comet among them); an
 * admin token is at least 16 characters. A plain {@code push.api.tokens} entry is {@code [push,
 * read]}, as it always was.
 *
 * @param token the bearer token
 * @param scopes what it grants
 * @param pushesPerSecond its push rate limit, 0 for none (at most 1000000)
 * @param pushBurst its burst, 1 to 1000000 when limited (0: as {@code pushesPerSecond})
 */
public record ApiToken(String token, List<String> scopes, int pushesPerSecond, int pushBurst) {
  /** What a token may be allowed. */
  public enum Scope {
    PUSH,
    READ,
    ADMIN;

    /** The scope's name in config: lower case. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Admin tokens guard draining Comets: no short ones (as {@code admin.tokens}). */
  public static final int MIN_ADMIN_TOKEN_LENGTH = BearerToken.MIN_ADMIN_LENGTH;

  static final int MAX_RATE = 1_000_000;

  public ApiToken(String token, List<String> scopes, int pushesPerSecond, int pushBurst) {
    Check.notBlank("token", token);
    Check.state(
        token.chars().noneMatch(Character::isWhitespace), "token", "<hidden>", "no whitespace");
    scopes = scopes == null || scopes.isEmpty() ? List.of("push", "read") : List.copyOf(scopes);
    for (int i = 0; i < scopes.size(); i++) {
      String scope = scopes.get(i);
      Check.state(
          scope != null && parseScope(scope) != null,
          "scopes[" + i + "]",
          scope,
          "one of push, read, admin");
    }
    Check.state(
        !scopes.contains("admin") || token.length() >= MIN_ADMIN_TOKEN_LENGTH,
        "token",
        "<hidden, " + token.length() + " characters>",
        "at least " + MIN_ADMIN_TOKEN_LENGTH + " characters for scope admin");
    Check.inRange("pushesPerSecond", pushesPerSecond, 0, MAX_RATE);
    Check.inRange("pushBurst", pushBurst, 0, MAX_RATE);
    if (pushBurst == 0) {
      pushBurst = pushesPerSecond;
    }
    this.token = token;
    this.scopes = scopes;
    this.pushesPerSecond = pushesPerSecond;
    this.pushBurst = pushBurst;
  }

  /** The YAML object form; a key left out takes its default. */
  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  static ApiToken fromConfig(
      @JsonProperty("token") String token,
      @JsonProperty("scopes") List<String> scopes,
      @JsonProperty("pushesPerSecond") Integer pushesPerSecond,
      @JsonProperty("pushBurst") Integer pushBurst) {
    return new ApiToken(
        token,
        scopes,
        pushesPerSecond == null ? 0 : pushesPerSecond,
        pushBurst == null ? 0 : pushBurst);
  }

  /** A token with {@code scopes} and no rate limit. */
  public static ApiToken of(String token, Scope... scopes) {
    List<String> names = new ArrayList<>();
    for (Scope scope : scopes) {
      names.add(scope.key());
    }
    return new ApiToken(token, names, 0, 0);
  }

  /**
   * The string form, {@code scope[+scope]:token}.
   *
   * @throws IllegalArgumentException naming what is wrong, never showing the token
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static ApiToken parse(String value) {
    int colon = value == null ? -1 : value.indexOf(':');
    Check.state(colon > 0, "token", "<hidden>", "scope[+scope]:token, e.g. push+read:TOKEN");
    List<String> scopes = List.of(value.substring(0, colon).split("\\+", -1));
    // A token with a colon of its own and no scope must not be shown as a bad scope.
    Check.state(
        scopes.stream().allMatch(scope -> parseScope(scope) != null),
        "token",
        "<hidden>",
        "scope[+scope]:token with scopes push, read, admin");
    return new ApiToken(value.substring(colon + 1), scopes, 0, 0);
  }

  /** What the token grants. */
  public Set<Scope> grants() {
    Set<Scope> grants = EnumSet.noneOf(Scope.class);
    for (String scope : scopes) {
      grants.add(parseScope(scope));
    }
    return grants;
  }

  /** Whether pushes with this token are rate limited. */
  public boolean limited() {
    return pushesPerSecond > 0;
  }

  private static Scope parseScope(String scope) {
    for (Scope candidate : Scope.values()) {
      if (candidate.key().equals(scope)) {
        return candidate;
      }
    }
    return null;
  }

  /** Shows the scopes and limits, never the token. */
  @Override
  public String toString() {
    return "ApiToken[token=<hidden>, scopes="
        + scopes
        + ", pushesPerSecond="
        + pushesPerSecond
        + ", pushBurst="
        + pushBurst
        + "]";
  }
}
