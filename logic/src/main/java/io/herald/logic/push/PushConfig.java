package io.herald.logic.push;

import io.herald.config.Check;
import io.herald.logic.ids.MessageIdsConfig;
import io.herald.logic.kafka.KafkaProducerConfig;
import java.util.List;

/**
 * The push API's configuration: where pushes are queued, who may push, how big a push may be, and
 * how message ids are made. Keys are camelCase in YAML ({@code kafka.bootstrapServers}, {@code
 * api.maxBodyBytes}, {@code messageIds.idgen.target}).
 *
 * @param kafka the Kafka producer and topic pushes are published to (default topic {@value
 *     #DEFAULT_TOPIC}); a dead broker fails a push within {@code maxBlock + deliveryTimeout}, it
 *     never hangs
 * @param api the HTTP and gRPC push API's limits and bearer tokens
 * @param messageIds where this instance's message ids come from: made locally or taken from IdGen
 *     ({@link MessageIdsConfig})
 */
public record PushConfig(KafkaProducerConfig kafka, Api api, MessageIdsConfig messageIds) {

  /** The topic pushes go to, which Job consumes. */
  public static final String DEFAULT_TOPIC = "herald-push";

  public static PushConfig defaults() {
    return new PushConfig(
        KafkaProducerConfig.defaults(DEFAULT_TOPIC, "herald-logic"),
        Api.defaults(),
        MessageIdsConfig.defaults());
  }

  public PushConfig {
    Check.notNull("kafka", kafka);
    Check.notNull("api", api);
    Check.notNull("messageIds", messageIds);
  }

  /**
   * The push API's limits and callers.
   *
   * @param requireToken whether every push and online request must carry {@code Authorization:
   *     Bearer <token>} with one of {@code tokens} (default true; standalone mode, on loopback
   *     only, turns it off)
   * @param tokens the accepted bearer tokens; at least one while {@code requireToken} (checked by
   *     {@link #checkTokens()} when the API is built, so the defaults stay constructible)
   * @param maxBodyBytes the largest message body (default 4096, the wire protocol's default; at
   *     most 1000000)
   * @param maxTargets the most keys or mids one push may name (default 1000; at most 100000)
   * @param scopedTokens tokens with their own scopes and push rate limits ({@link ApiToken}); a
   *     token may appear once across {@code tokens} and {@code scopedTokens}
   */
  public record Api(
      boolean requireToken,
      List<String> tokens,
      int maxBodyBytes,
      int maxTargets,
      List<ApiToken> scopedTokens) {
    static final int MAX_BODY_BYTES = 1_000_000;
    static final int MAX_TARGETS = 100_000;

    public static Api defaults() {
      return new Api(true, List.of(), 4096, 1000);
    }

    /** Plain tokens only, none scoped. */
    public Api(boolean requireToken, List<String> tokens, int maxBodyBytes, int maxTargets) {
      this(requireToken, tokens, maxBodyBytes, maxTargets, List.of());
    }

    public Api {
      tokens = tokens == null ? List.of() : List.copyOf(tokens);
      scopedTokens = scopedTokens == null ? List.of() : List.copyOf(scopedTokens);
      java.util.Set<String> seen = new java.util.HashSet<>(tokens);
      for (int i = 0; i < scopedTokens.size(); i++) {
        Check.notNull("scopedTokens[" + i + "]", scopedTokens.get(i));
        Check.state(
            seen.add(scopedTokens.get(i).token()),
            "scopedTokens[" + i + "]",
            "<hidden>",
            "a token not listed elsewhere in push.api.tokens or push.api.scopedTokens");
      }
      for (int i = 0; i < tokens.size(); i++) {
        String token = tokens.get(i);
        Check.notBlank("tokens[" + i + "]", token);
        Check.state(
            token.chars().noneMatch(Character::isWhitespace),
            "tokens[" + i + "]",
            "<hidden>",
            "no whitespace");
      }
      Check.positive("maxBodyBytes", maxBodyBytes);
      Check.state(
          maxBodyBytes <= MAX_BODY_BYTES,
          "maxBodyBytes",
          maxBodyBytes,
          "at most " + MAX_BODY_BYTES + ", below Kafka's default 1 MiB record limit");
      Check.inRange("maxTargets", maxTargets, 1, MAX_TARGETS);
    }

    /** Fails unless a token is configured or none is required. */
    public Api checkTokens() {
      Check.state(
          !requireToken || !tokens.isEmpty() || !scopedTokens.isEmpty(),
          "tokens",
          "[]",
          "at least one token (tokens or scopedTokens) while requireToken is true");
      return this;
    }

    /** The tokens of {@code scopedTokens} with scope {@code admin}. */
    public List<String> adminTokens() {
      return scopedTokens.stream()
          .filter(token -> token.grants().contains(ApiToken.Scope.ADMIN))
          .map(ApiToken::token)
          .toList();
    }

    /** Every token, the plain ones as {@code [push, read]} without a rate limit. */
    public List<ApiToken> allTokens() {
      List<ApiToken> all = new java.util.ArrayList<>(tokens.size() + scopedTokens.size());
      for (String token : tokens) {
        all.add(ApiToken.of(token, ApiToken.Scope.PUSH, ApiToken.Scope.READ));
      }
      all.addAll(scopedTokens);
      return List.copyOf(all);
    }

    @Override
    public String toString() {
      return "Api[requireToken="
          + requireToken
          + ", tokens=<"
          + tokens.size()
          + " hidden>"
          + ", scopedTokens="
          + scopedTokens
          + ", maxBodyBytes="
          + maxBodyBytes
          + ", maxTargets="
          + maxTargets
          + "]";
    }
  }
}
