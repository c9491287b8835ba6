package io.herald.job.config;

import io.herald.config.Check;
import io.herald.config.Durations;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How Job consumes the push topic. Offsets are committed by Job itself, never automatically: only
 * up to the first record whose Comet calls have not completed.
 *
 * <p>Job joins its group as a <b>static member</b> of Kafka's classic group protocol, so that a Job
 * restarted after a crash takes its partitions back at once instead of waiting for its dead
 * predecessor's session to expire; a planned stop leaves the group so the others take over at once.
 * docs/job.md says why (and why not the newer {@code consumer} protocol) and what each costs.
 *
 * @param bootstrapServers {@code host:port,...}
 * @param topic the push topic Logic publishes to (default {@code herald-push})
 * @param groupId the consumer group; Job instances in one group share the topic's partitions
 * @param instanceId this Job's {@code group.instance.id}: the same across restarts of one Job,
 *     different for every Job of the group (the newer of two Jobs with one id fences the older,
 *     which stops consuming). Empty (default): {@code <host name>-<server.port>}, derived when Job
 *     starts: a pod's name on Kubernetes, kept across container restarts. At most 249 characters of
 *     {@code A-Z a-z 0-9 . _ -}
 * @param clientId the consumer's {@code client.id}; empty for Kafka's default
 * @param sessionTimeout how long the broker waits for a silent Job (crashed, cut off) before giving
 *     its partitions to the others ({@code session.timeout.ms}, default 10 s; the broker accepts
 *     {@code group.min.session.timeout.ms} (6 s) to {@code group.max.session.timeout.ms}). A Job
 *     restarted with its instance id within it takes its partitions back without waiting
 * @param heartbeatInterval how often Job tells the broker it is alive ({@code
 *     heartbeat.interval.ms}, default 1 s; at most a third of {@code sessionTimeout}); also how
 *     soon the other Jobs learn of a rebalance, such as a Job leaving
 * @param maxPollRecords the most records one poll returns ({@code max.poll.records}, default 500)
 * @param maxInFlightPerPartition the most records of one partition taken from Kafka and not yet
 *     completed (default 1000); at this bound the partition is paused until records complete, so
 *     memory stays bounded whatever the Comets do
 * @param commitInterval how often completed offsets are committed (default 1 s); a crash replays at
 *     most what completed within it, plus what had not completed
 * @param revokeTimeout how long a rebalance waits for the revoked partitions' records to complete
 *     before committing what did and letting the partitions go (default 10 s; below {@code
 *     max.poll.interval.ms})
 * @param autoOffsetReset where a group with no committed offset starts: {@code earliest} (default:
 *     nothing queued before the first Job started is lost) or {@code latest}
 * @param properties further consumer properties (TLS, SASL, session timeouts, ...); they cannot
 *     override the ones Job sets for its guarantee
 */
public record KafkaConfig(
    String bootstrapServers,
    String topic,
    String groupId,
    String instanceId,
    String clientId,
    Duration sessionTimeout,
    Duration heartbeatInterval,
    int maxPollRecords,
    int maxInFlightPerPartition,
    Duration commitInterval,
    Duration revokeTimeout,
    String autoOffsetReset,
    Map<String, String> properties) {

  public static final String DEFAULT_TOPIC = "herald-push";

  /** Consumer properties Job sets itself, for its delivery guarantee and its group membership. */
  public static final Set<String> FIXED_PROPERTIES =
      Set.of(
          "enable.auto.commit",
          "group.id",
          "group.instance.id",
          "group.protocol",
          "session.timeout.ms",
          "heartbeat.interval.ms",
          "key.deserializer",
          "value.deserializer",
          "bootstrap.servers",
          "max.poll.records",
          "auto.offset.reset",
          "isolation.level");

  /** Kafka properties that have a key of their own here, and what to set instead. */
  private static final Map<String, String> OWN_KEYS =
      Map.of(
          "group.instance.id", "kafka.instanceId instead",
          "session.timeout.ms", "kafka.sessionTimeout instead",
          "heartbeat.interval.ms", "kafka.heartbeatInterval instead",
          "group.protocol", "not set: Job uses the classic protocol, see docs/job.md");

  /** What Kafka accepts in a {@code group.instance.id}. */
  private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._-]{1,249}");

  public static KafkaConfig defaults() {
    return new KafkaConfig(
        "127.0.0.1:9092",
        DEFAULT_TOPIC,
        "herald-job",
        "",
        "herald-job",
        Duration.ofSeconds(10),
        Duration.ofSeconds(1),
        500,
        1000,
        Duration.ofSeconds(1),
        Duration.ofSeconds(10),
        "earliest",
        Map.of());
  }

  public KafkaConfig {
    Check.notBlank("bootstrapServers", bootstrapServers);
    Check.notBlank("topic", topic);
    Check.notBlank("groupId", groupId);
    instanceId = instanceId == null ? "" : instanceId.strip();
    Check.state(
        instanceId.isEmpty() || INSTANCE_ID.matcher(instanceId).matches(),
        "instanceId",
        instanceId,
        "at most 249 of A-Z a-z 0-9 . _ -, or empty for <host name>-<server.port>");
    clientId = clientId == null ? "" : clientId.strip();
    Check.positive("sessionTimeout", sessionTimeout);
    Check.state(
        sessionTimeout.compareTo(Duration.ofMinutes(30)) <= 0,
        "sessionTimeout",
        Durations.format(sessionTimeout),
        "at most 30m, the broker's default group.max.session.timeout.ms");
    Check.positive("heartbeatInterval", heartbeatInterval);
    Check.state(
        heartbeatInterval.multipliedBy(3).compareTo(sessionTimeout) <= 0,
        "heartbeatInterval",
        Durations.format(heartbeatInterval),
        "at most a third of sessionTimeout " + Durations.format(sessionTimeout));
    Check.inRange("maxPollRecords", maxPollRecords, 1, 10_000);
    Check.inRange("maxInFlightPerPartition", maxInFlightPerPartition, 1, 1_000_000);
    Check.positive("commitInterval", commitInterval);
    Check.positive("revokeTimeout", revokeTimeout);
    Check.state(
        "earliest".equals(autoOffsetReset) || "latest".equals(autoOffsetReset),
        "autoOffsetReset",
        autoOffsetReset,
        "earliest or latest");
    if (properties != null) {
      for (Map.Entry<String, String> own : OWN_KEYS.entrySet()) {
        Check.state(
            !properties.containsKey(own.getKey()), "properties", own.getKey(), own.getValue());
      }
    }
    properties = Check.notOverriding("properties", properties, FIXED_PROPERTIES);
  }

  /** This config with {@code instanceId} (derived by Job when the configured one is empty). */
  public KafkaConfig withInstanceId(String instanceId) {
    return new KafkaConfig(
        bootstrapServers,
        topic,
        groupId,
        instanceId,
        clientId,
        sessionTimeout,
        heartbeatInterval,
        maxPollRecords,
        maxInFlightPerPartition,
        commitInterval,
        revokeTimeout,
        autoOffsetReset,
        properties);
  }
}
