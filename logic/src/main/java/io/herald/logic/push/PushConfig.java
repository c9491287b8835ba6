package io.herald.logic.push;

import io.herald.config.Check;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The push API's configuration: where pushes are queued, who may push, how big a push may be, and
 * how message ids are made. Keys are camelCase in YAML ({@code kafka.bootstrapServers}, {@code
 * api.maxBodyBytes}, {@code messageIds.instanceId}).
 *
 * @param kafka the Kafka topic pushes are published to
 * @param api the HTTP and gRPC push API's limits and bearer tokens
 * @param messageIds how this instance makes message ids locally
 */
public record PushConfig(Kafka kafka, Api api, Ids messageIds) {

  public static PushConfig defaults() {
    return new PushConfig(Kafka.defaults(), Api.defaults(), new Ids(0));
  }

  public PushConfig {
    Check.notNull("kafka", kafka);
    Check.notNull("api", api);
    Check.notNull("messageIds", messageIds);
  }

  /**
   * The Kafka producer pushes go through. A dead broker fails a push within {@code maxBlock +
   * deliveryTimeout}; it never hangs.
   *
   * @param bootstrapServers {@code host:port,...}
   * @param topic the push topic Job consumes (default {@code herald-push})
   * @param clientId the producer's {@code client.id}
   * @param maxBlock how long a send may wait for topic metadata or buffer space ({@code
   *     max.block.ms}, default 2 s)
   * @param requestTimeout how long the producer waits for one broker answer ({@code
   *     request.timeout.ms}, default 2 s)
   * @param deliveryTimeout how long a record may take from send to acknowledgement, retries
   *     included ({@code delivery.timeout.ms}, default 5 s; at least {@code linger +
   *     requestTimeout})
   * @param linger how long the producer waits to fill a batch ({@code linger.ms}, default 5 ms)
   * @param properties further producer properties (TLS, SASL, compression, ...); they cannot
   *     override {@code acks}, idempotence or the serializers
   */
  public record Kafka(
      String bootstrapServers,
      String topic,
      String clientId,
      Duration maxBlock,
      Duration requestTimeout,
      Duration deliveryTimeout,
      Duration linger,
      Map<String, String> properties) {

    public static final String DEFAULT_TOPIC = "herald-push";

    /** Producer properties Herald sets itself, for its delivery guarantee. */
    static final Set<String> FIXED_PROPERTIES =
        Set.of(
            "acks",
            "enable.idempotence",
            "key.serializer",
            "value.serializer",
            "max.in.flight.requests.per.connection");

    public static Kafka defaults() {
      return new Kafka(
          "127.0.0.1:9092",
          DEFAULT_TOPIC,
          "herald-logic",
          Duration.ofSeconds(2),
          Duration.ofSeconds(2),
          Duration.ofSeconds(5),
          Duration.ofMillis(5),
          Map.of());
    }

    public Kafka {
      Check.notBlank("bootstrapServers", bootstrapServers);
      Check.notBlank("topic", topic);
      clientId = clientId == null ? "" : clientId.strip();
      Check.positive("maxBlock", maxBlock);
      Check.positive("requestTimeout", requestTimeout);
      Check.notNull("linger", linger);
      Check.state(!linger.isNegative(), "linger", linger, ">= 0");
      Check.positive("deliveryTimeout", deliveryTimeout);
      Check.state(
          deliveryTimeout.compareTo(linger.plus(requestTimeout)) >= 0,
          "deliveryTimeout",
          deliveryTimeout,
          "at least linger + requestTimeout");
      properties = Check.notOverriding("properties", properties, FIXED_PROPERTIES);
    }
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
   */
  public record Api(boolean requireToken, List<String> tokens, int maxBodyBytes, int maxTargets) {
    static final int MAX_BODY_BYTES = 1_000_000;
    static final int MAX_TARGETS = 100_000;

    public static Api defaults() {
      return new Api(true, List.of(), 4096, 1000);
    }

    public Api {
      tokens = tokens == null ? List.of() : List.copyOf(tokens);
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
          !requireToken || !tokens.isEmpty(),
          "tokens",
          "[]",
          "at least one token while requireToken is true");
      return this;
    }

    @Override
    public String toString() {
      return "Api[requireToken="
          + requireToken
          + ", tokens=<"
          + tokens.size()
          + " hidden>"
          + ", maxBodyBytes="
          + maxBodyBytes
          + ", maxTargets="
          + maxTargets
          + "]";
    }
  }

  /**
   * Local message ids ({@link SnowflakeMessageIds}) until the IdGen service supplies them.
   *
   * @param instanceId this Logic instance's id, 0-1023, unique among the Logic instances
   */
  public record Ids(int instanceId) {
    public Ids {
      Check.inRange("instanceId", instanceId, 0, SnowflakeMessageIds.MAX_INSTANCE_ID);
    }
  }
}
