package io.herald.logic.im;

import io.herald.config.Check;
import io.herald.im.ImDatabaseConfig;
import java.time.Duration;

/**
 * The IM layer Logic hosts (chat ops 28–38 and the {@code herald.im.v1.Im} backend API).
 *
 * @param enabled whether Logic serves chat at all (default false: it needs a database); when off,
 *     chat requests are answered UNAVAILABLE "chat is not enabled on this server" and the backend
 *     API is not served
 * @param database where conversations and messages are kept (the {@code im} module's config)
 * @param writeFanoutMaxMembers one-to-one and groups of at most this many members are write fan-out
 *     (each member's inbox gets each message); larger groups are read fan-out (default 100, from
 *     the measurement in docs/benchmarks.md "Chat")
 * @param maxGroupMembers the most members a group may have (default 10000)
 * @param maxReadFanoutGroupsPerUser the most read fan-out groups a user may be in (default 32, the
 *     Comet's rooms per connection: a client joins one room per such group)
 * @param maxMessageBytes the most content bytes of one message (default 4000); with the 53-byte
 *     message head it must fit {@code push.api.maxBodyBytes}
 * @param sendsPerSecond sends per user per second, per Logic process (default 20)
 * @param sendBurst sends a user may make at once after being idle (default 40)
 * @param historyLimit messages per history page when the client asks for no limit (default 50, at
 *     most {@value #MAX_HISTORY_LIMIT}, the cap of every page)
 * @param listLimit conversations per list page when the client asks for no limit (default 20, at
 *     most {@value #MAX_LIST_LIMIT})
 * @param unreadCap the most unread messages counted per conversation (default 999)
 * @param policy the optional "may A message B" webhook
 */
public record ImConfig(
    boolean enabled,
    ImDatabaseConfig database,
    int writeFanoutMaxMembers,
    int maxGroupMembers,
    int maxReadFanoutGroupsPerUser,
    int maxMessageBytes,
    int sendsPerSecond,
    int sendBurst,
    int historyLimit,
    int listLimit,
    int unreadCap,
    Policy policy) {

  /** The cap of every history page, whatever the client asks. */
  public static final int MAX_HISTORY_LIMIT = 200;

  /** The cap of every list page. */
  public static final int MAX_LIST_LIMIT = 100;

  /** Off; when enabled, the embedded H2 file and the defaults of docs/im.md. */
  public static ImConfig defaults() {
    return new ImConfig(
        false,
        ImDatabaseConfig.embedded(),
        100,
        10_000,
        32,
        4000,
        20,
        40,
        50,
        20,
        999,
        Policy.defaults());
  }

  public ImConfig {
    Check.notNull("database", database);
    Check.inRange("writeFanoutMaxMembers", writeFanoutMaxMembers, 2, 100_000);
    Check.inRange("maxGroupMembers", maxGroupMembers, 2, 1_000_000);
    Check.inRange("maxReadFanoutGroupsPerUser", maxReadFanoutGroupsPerUser, 0, 10_000);
    Check.inRange("maxMessageBytes", maxMessageBytes, 1, 1 << 20);
    Check.inRange("sendsPerSecond", sendsPerSecond, 1, 100_000);
    Check.inRange("sendBurst", sendBurst, 1, 100_000);
    Check.inRange("historyLimit", historyLimit, 1, MAX_HISTORY_LIMIT);
    Check.inRange("listLimit", listLimit, 1, MAX_LIST_LIMIT);
    Check.inRange("unreadCap", unreadCap, 1, 1_000_000);
    Check.notNull("policy", policy);
  }

  /** This config, on or off. */
  public ImConfig withEnabled(boolean on) {
    return new ImConfig(
        on,
        database,
        writeFanoutMaxMembers,
        maxGroupMembers,
        maxReadFanoutGroupsPerUser,
        maxMessageBytes,
        sendsPerSecond,
        sendBurst,
        historyLimit,
        listLimit,
        unreadCap,
        policy);
  }

  /**
   * A history page's limit: {@code historyLimit} for 0, else capped at {@value #MAX_HISTORY_LIMIT}.
   *
   * @throws IllegalArgumentException for a negative limit
   */
  public int historyLimit(int requested) {
    return limit(requested, historyLimit, MAX_HISTORY_LIMIT);
  }

  /** A list page's limit: {@code listLimit} for 0, else capped at {@value #MAX_LIST_LIMIT}. */
  public int listLimit(int requested) {
    return limit(requested, listLimit, MAX_LIST_LIMIT);
  }

  private static int limit(int requested, int byDefault, int cap) {
    if (requested < 0) {
      throw new IllegalArgumentException(
          "limit: " + requested + " (expected: 0 for the default, or a positive number)");
    }
    return requested == 0 ? byDefault : Math.min(requested, cap);
  }

  /**
   * The policy webhook: for each one-to-one send of a client, Logic POSTs {@code
   * {"from":1,"kind":"user","to":2}} and believes {@code {"allow":true}} or {@code
   * {"allow":false,"reason":"blocked"}}.
   *
   * @param url the endpoint, {@code http://} or {@code https://}; empty (the default) = no policy
   * @param timeout how long to wait for an answer (default 1s, at most 1m)
   * @param cacheTtl how long an answer is reused for the same (from, kind, to) (default 30s)
   * @param cacheSize the most answers kept (default 100000)
   * @param onError what a send gets when the webhook cannot answer: {@code deny} (UNAVAILABLE, the
   *     default) or {@code allow}
   */
  public record Policy(
      String url, Duration timeout, Duration cacheTtl, int cacheSize, String onError) {
    public static final String DENY = "deny";
    public static final String ALLOW = "allow";

    public static Policy defaults() {
      return new Policy("", Duration.ofSeconds(1), Duration.ofSeconds(30), 100_000, DENY);
    }

    public Policy {
      url = url == null ? "" : url.strip();
      if (!url.isEmpty()) {
        Check.httpUrl("url", url);
      }
      Check.positive("timeout", timeout);
      Check.state(timeout.compareTo(Duration.ofMinutes(1)) <= 0, "timeout", timeout, "at most 1m");
      Check.positive("cacheTtl", cacheTtl);
      Check.inRange("cacheSize", cacheSize, 1, 10_000_000);
      onError = onError == null ? DENY : onError.strip();
      Check.state(
          onError.equals(DENY) || onError.equals(ALLOW), "onError", onError, "deny or allow");
    }

    /** Whether a webhook is configured. */
    public boolean configured() {
      return !url.isEmpty();
    }
  }
}
