package io.herald.job.config;

import io.herald.config.Check;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * How Job consumes the push topic. Offsets are committed by Job itself, never automatically: only
 * up to the first record whose Comet calls have not completed.
 *
 * @param bootstrapServers {@code host:port,...}
 * @param topic the push topic Logic publishes to (default {@code herald-push})
 * @param groupId the consumer group; Job instances in one group share the topic's partitions
 * @param clientId the consumer's {@code client.id}; empty for Kafka's default
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
    String clientId,
    int maxPollRecords,
    int maxInFlightPerPartition,
    Duration commitInterval,
    Duration revokeTimeout,
    String autoOffsetReset,
    Map<String, String> properties) {

  public static final String DEFAULT_TOPIC = "herald-push";

  /** Consumer properties Job sets itself, for its delivery guarantee. */
  public static final Set<String> FIXED_PROPERTIES =
      Set.of(
          "enable.auto.commit",
          "group.id",
          "key.deserializer",
          "value.deserializer",
          "bootstrap.servers",
          "max.poll.records",
          "auto.offset.reset",
          "isolation.level");

  public static KafkaConfig defaults() {
    return new KafkaConfig(
        "127.0.0.1:9092",
        DEFAULT_TOPIC,
        "herald-job",
        "herald-job",
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
    clientId = clientId == null ? "" : clientId.strip();
    Check.inRange("maxPollRecords", maxPollRecords, 1, 10_000);
    Check.inRange("maxInFlightPerPartition", maxInFlightPerPartition, 1, 1_000_000);
    Check.positive("commitInterval", commitInterval);
    Check.positive("revokeTimeout", revokeTimeout);
    Check.state(
        "earliest".equals(autoOffsetReset) || "latest".equals(autoOffsetReset),
        "autoOffsetReset",
        autoOffsetReset,
        "earliest or latest");
    properties = Check.notOverriding("properties", properties, FIXED_PROPERTIES);
  }
}
