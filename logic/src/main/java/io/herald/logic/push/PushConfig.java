package io.herald.logic.push;

import io.herald.config.Check;
import io.herald.logic.kafka.KafkaProducerConfig;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 */
public record PushConfig(KafkaProducerConfig kafka, Api api, Ids messageIds) {

  /** The topic pushes go to, which Job consumes. */
  public static final String DEFAULT_TOPIC = "herald-push";

  public static PushConfig defaults() {
    return new PushConfig(
        KafkaProducerConfig.defaults(DEFAULT_TOPIC, "herald-logic"),
        Api.defaults(),
        Ids.defaults());
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
   * Where message ids come from.
   *
   * @param source {@value #LOCAL} (default: made in process by {@link SnowflakeMessageIds} from
   *     {@code instanceId}) or {@value #IDGEN} (taken in blocks from the IdGen service by {@link
   *     IdGenMessageIds}, configured by {@code idgen})
   * @param instanceId the {@value #LOCAL} source's instance id, 0-1023, unique among the Logic
   *     instances; unused by {@value #IDGEN}
   * @param idgen the {@value #IDGEN} source's server, tag and buffer; its {@code target} is needed
   *     only when {@code source} is {@value #IDGEN}
   */
  public record Ids(String source, int instanceId, IdGen idgen) {
    public static final String LOCAL = "local";
    public static final String IDGEN = "idgen";

    /** Local ids with instance id 0, the IdGen settings at their defaults (no target). */
    public static Ids defaults() {
      return new Ids(LOCAL, 0, IdGen.defaults());
    }

    public Ids {
      source = source == null ? LOCAL : source.strip();
      Check.state(LOCAL.equals(source) || IDGEN.equals(source), "source", source, "local or idgen");
      Check.inRange("instanceId", instanceId, 0, SnowflakeMessageIds.MAX_INSTANCE_ID);
      Check.notNull("idgen", idgen);
      if (IDGEN.equals(source)) {
        Check.state(
            !idgen.target().isEmpty(),
            "idgen.target",
            "''",
            "host:port of IdGen's gRPC, needed when source is idgen");
      }
    }
  }

  /**
   * How Logic takes message ids from the IdGen service ({@code herald.idgen.v1.IdGen}): {@code
   * NextIds(tag, blockSize)} fills a local buffer, refilled in the background once fewer than
   * {@code lowWater} ids are left; pushes never wait for IdGen. See {@link IdGenMessageIds}.
   *
   * @param target IdGen's gRPC address, {@code host:port} (a gRPC target such as {@code
   *     dns:///idgen.internal:3121} works too); empty unless the source is {@code idgen}
   * @param tag the IdGen tag to draw from (default {@code message}, IdGen's Snowflake tag for
   *     Herald's message ids): {@code [a-z0-9_.-]}, 1 to 64 characters
   * @param blockSize ids per {@code NextIds} call, 1-10000 (default 1000; IdGen's Sonyflake tags
   *     allow 1000 at most)
   * @param lowWater a refill starts when fewer ids than this are left, 1 to {@code blockSize}
   *     (default 250); it should cover the pushes made during one call to IdGen
   * @param timeout the deadline of one {@code NextIds} call (default 2 s)
   * @param retryDelay how long to wait after a failed call before the next (default 1 s)
   */
  public record IdGen(
      String target,
      String tag,
      int blockSize,
      int lowWater,
      Duration timeout,
      Duration retryDelay) {
    /** IdGen's own bound on one {@code NextIds} call. */
    static final int MAX_BLOCK_SIZE = 10_000;

    private static final Pattern TAG = Pattern.compile("[a-z0-9_.-]{1,64}");
    private static final Pattern TARGET = Pattern.compile("\\S+:(\\d{1,5})");

    public static IdGen defaults() {
      return new IdGen("", "message", 1000, 250, Duration.ofSeconds(2), Duration.ofSeconds(1));
    }

    public IdGen {
      target = target == null ? "" : target.strip();
      if (!target.isEmpty()) {
        Matcher port = TARGET.matcher(target);
        Check.state(
            port.matches()
                && Integer.parseInt(port.group(1)) >= 1
                && Integer.parseInt(port.group(1)) <= 65535,
            "target",
            target,
            "host:port of IdGen's gRPC");
      }
      Check.notNull("tag", tag);
      Check.state(TAG.matcher(tag).matches(), "tag", tag, "[a-z0-9_.-], 1 to 64 characters");
      Check.inRange("blockSize", blockSize, 1, MAX_BLOCK_SIZE);
      Check.state(
          lowWater >= 1 && lowWater <= blockSize,
          "lowWater",
          lowWater,
          "1 to blockSize " + blockSize);
      Check.positive("timeout", timeout);
      Check.positive("retryDelay", retryDelay);
    }
  }
}
