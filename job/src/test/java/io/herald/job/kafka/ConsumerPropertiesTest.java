package io.herald.job.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.job.config.KafkaConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerPropertiesTest {

  @Test
  void aStaticMemberOfTheClassicProtocolWithTheConfiguredTimeouts() {
    Map<String, Object> props =
        ConsumerProperties.of(KafkaConfig.defaults().withInstanceId("job-0-3129"));

    assertThat(props)
        .containsEntry("group.protocol", "classic")
        .containsEntry("group.instance.id", "job-0-3129")
        .containsEntry("session.timeout.ms", 10_000)
        .containsEntry("heartbeat.interval.ms", 1_000)
        .containsEntry("enable.auto.commit", false)
        .containsEntry(
            "partition.assignment.strategy",
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
  }

  @Test
  void withoutAnInstanceIdADynamicMember() {
    assertThat(ConsumerProperties.of(KafkaConfig.defaults()))
        .doesNotContainKey("group.instance.id");
  }

  @Test
  void theOperatorsPropertiesPassThrough() {
    KafkaConfig defaults = KafkaConfig.defaults();
    KafkaConfig config =
        new KafkaConfig(
            defaults.bootstrapServers(),
            defaults.topic(),
            defaults.groupId(),
            "",
            "",
            Duration.ofSeconds(6),
            Duration.ofSeconds(2),
            defaults.maxPollRecords(),
            defaults.maxInFlightPerPartition(),
            defaults.commitInterval(),
            defaults.revokeTimeout(),
            defaults.autoOffsetReset(),
            Map.of("security.protocol", "SSL", "max.poll.interval.ms", "60000"));

    assertThat(ConsumerProperties.of(config))
        .containsEntry("security.protocol", "SSL")
        .containsEntry("session.timeout.ms", 6_000)
        .containsEntry("heartbeat.interval.ms", 2_000);
    assertThat(ConsumerProperties.maxPollIntervalMillis(config)).isEqualTo(60_000);
    assertThat(ConsumerProperties.maxPollIntervalMillis(defaults)).isEqualTo(300_000);
  }
}
