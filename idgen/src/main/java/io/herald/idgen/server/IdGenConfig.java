package io.herald.idgen.server;

import io.herald.config.Check;
import io.herald.idgen.Mode;
import io.herald.idgen.db.DatabaseConfig;
import io.herald.idgen.lease.LeaseConfig;
import io.herald.idgen.segment.SegmentConfig;
import io.herald.idgen.time.TimeLayoutConfig;
import io.herald.ops.tls.InternalTls;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The IdGen service's configuration (YAML, overridden by {@code IDGEN_*} variables).
 *
 * @param server where it listens: gRPC, HTTP, {@code /health} and {@code /metrics} on one port
 * @param database segment rows (and leases with {@code leases.store: database}); default an H2 file
 * @param leases how worker ids of the time-based layouts are leased
 * @param snowflake the Snowflake layout's epoch, worker pool and limits
 * @param sonyflake the Sonyflake layout's epoch, machine pool and limits
 * @param segments how segment tags buffer and adapt their step
 * @param tags the business tags served; names unique
 */
public record IdGenConfig(
    Server server,
    DatabaseConfig database,
    LeaseConfig leases,
    TimeLayoutConfig snowflake,
    TimeLayoutConfig sonyflake,
    SegmentConfig segments,
    List<TagConfig> tags) {

  /** Herald's IdGen port: gRPC {@code IdGen}, HTTP {@code /ids/...}, health and metrics. */
  public static final int DEFAULT_PORT = 3121;

  public IdGenConfig {
    Check.notNull("server", server);
    Check.notNull("database", database);
    Check.notNull("leases", leases);
    Check.notNull("snowflake", snowflake);
    Check.notNull("sonyflake", sonyflake);
    Check.notNull("segments", segments);
    tags = tags == null ? List.of() : List.copyOf(tags);
    Check.state(!tags.isEmpty(), "tags", "[]", "at least one tag");
    Set<String> names = new HashSet<>();
    for (TagConfig tag : tags) {
      Check.state(names.add(tag.name()), "tags", tag.name(), "each name once");
    }
  }

  /**
   * Everything embedded: an H2 file under {@code ./data/idgen} for segments and leases, port 3121,
   * and three tags: {@code message} (Snowflake), {@code order} (segment) and {@code device}
   * (Sonyflake).
   */
  public static IdGenConfig defaults() {
    return new IdGenConfig(
        new Server("0.0.0.0", DEFAULT_PORT),
        DatabaseConfig.embedded(),
        LeaseConfig.defaults(),
        TimeLayoutConfig.snowflakeDefaults(),
        TimeLayoutConfig.sonyflakeDefaults(),
        SegmentConfig.defaults(),
        List.of(
            TagConfig.of("message", Mode.SNOWFLAKE),
            TagConfig.segment("order", TagConfig.DEFAULT_STEP),
            TagConfig.of("device", Mode.SONYFLAKE)));
  }

  /** The same config with other tags. */
  public IdGenConfig withTags(List<TagConfig> newTags) {
    return new IdGenConfig(server, database, leases, snowflake, sonyflake, segments, newTags);
  }

  /** The same config listening elsewhere. */
  public IdGenConfig withServer(String host, int port) {
    return new IdGenConfig(
        new Server(host, port), database, leases, snowflake, sonyflake, segments, tags);
  }

  /** The settings of a time-based mode. */
  public TimeLayoutConfig layout(Mode mode) {
    return switch (mode) {
      case SNOWFLAKE -> snowflake;
      case SONYFLAKE -> sonyflake;
      case SEGMENT -> throw new IllegalArgumentException("segment tags have no time layout");
    };
  }

  /**
   * Where the service listens.
   *
   * @param host the address to bind, e.g. {@code 0.0.0.0}
   * @param port gRPC and HTTP port; 0 binds a free one (tests)
   * @param tls mutual TLS on that port: every caller (Logic's gRPC, HTTP {@code /ids}, {@code
   *     /health}, {@code /metrics}) must present a certificate from its trusted CAs; off: plaintext
   */
  public record Server(String host, int port, InternalTls tls) {
    /** Plaintext. */
    public Server(String host, int port) {
      this(host, port, InternalTls.OFF);
    }

    public Server {
      tls = tls == null ? InternalTls.OFF : tls;
      Check.notBlank("host", host);
      Check.inRange("port", port, 0, 65535);
    }
  }
}
