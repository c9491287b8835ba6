package io.herald.logic.ids;

import io.herald.config.Check;
import io.herald.ops.tls.InternalTls;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where message ids come from ({@code push.messageIds} in Logic's config).
 *
 * @param source {@value #LOCAL} (default: made in process by {@link SnowflakeMessageIds} from
 *     {@code instanceId}) or {@value #IDGEN} (taken in blocks from the IdGen service by {@link
 *     IdGenMessageIds}, configured by {@code idgen})
 * @param instanceId the {@value #LOCAL} source's instance id, 0-1023, unique among the Logic
 *     instances; unused by {@value #IDGEN}
 * @param idgen the {@value #IDGEN} source's server, tag and buffer; its {@code target} is needed
 *     only when {@code source} is {@value #IDGEN}
 */
public record MessageIdsConfig(String source, int instanceId, IdGen idgen) {
  public static final String LOCAL = "local";
  public static final String IDGEN = "idgen";

  /** Local ids with instance id 0, the IdGen settings at their defaults (no target). */
  public static MessageIdsConfig defaults() {
    return new MessageIdsConfig(LOCAL, 0, IdGen.defaults());
  }

  public MessageIdsConfig {
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
   * @param tls mutual TLS to IdGen's gRPC port; off: plaintext
   */
  public record IdGen(
      String target,
      String tag,
      int blockSize,
      int lowWater,
      Duration timeout,
      Duration retryDelay,
      InternalTls tls) {
    /** Plaintext to IdGen. */
    public IdGen(
        String target,
        String tag,
        int blockSize,
        int lowWater,
        Duration timeout,
        Duration retryDelay) {
      this(target, tag, blockSize, lowWater, timeout, retryDelay, InternalTls.OFF);
    }

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
      tls = tls == null ? InternalTls.OFF : tls;
    }
  }
}
