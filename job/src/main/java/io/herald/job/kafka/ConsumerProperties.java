package io.herald.job.kafka;

import io.herald.job.config.KafkaConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The Kafka consumer properties Job runs with: the operator's {@code kafka.properties}, then what
 * Job sets itself for its delivery guarantee (no auto-commit, committed reads only) and its group
 * membership (the classic protocol, a static instance id, the session timeouts).
 */
final class ConsumerProperties {
  /** Kafka's default {@code max.poll.interval.ms}. */
  private static final long DEFAULT_MAX_POLL_INTERVAL_MILLIS = 300_000;

  private ConsumerProperties() {}

  static Map<String, Object> of(KafkaConfig config) {
    Map<String, Object> props = new HashMap<>(config.properties());
    props.putIfAbsent(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    // The classic protocol: a static member that joins again after a crash takes the dead one's
    // place and partitions at once. The consumer protocol (KIP-848) refuses it
    // (UNRELEASED_INSTANCE_ID) until the dead member's session has expired, and brokers hold that
    // session for at least 45 s by default. docs/job.md has the measurements.
    props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
    if (!config.instanceId().isEmpty()) {
      props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.instanceId());
    }
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
    props.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) config.heartbeatInterval().toMillis());
    if (!config.clientId().isEmpty()) {
      props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.clientId());
    }
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.autoOffsetReset());
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return props;
  }

  /** {@code max.poll.interval.ms}: past it without a poll, Kafka gives the partitions away. */
  static long maxPollIntervalMillis(KafkaConfig config) {
    String configured = config.properties().get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
    try {
      return configured == null ? DEFAULT_MAX_POLL_INTERVAL_MILLIS : Long.parseLong(configured);
    } catch (NumberFormatException e) {
      return DEFAULT_MAX_POLL_INTERVAL_MILLIS; // the consumer refuses it when it starts
    }
  }
}
