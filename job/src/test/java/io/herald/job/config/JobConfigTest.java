package io.herald.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.config.ConfigException;
import io.herald.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {
  private static final ConfigLoader<JobConfig> LOADER =
      new ConfigLoader<>(JobConfig.class, JobConfig.defaults(), "JOB");
  private static final Path EXAMPLE = Path.of("..", "deploy", "job.yaml");

  @Test
  void theDeployExampleLoads() {
    JobConfig config = LOADER.load(EXAMPLE, Map.of()).config();

    assertThat(config.server().port()).isEqualTo(3129);
    assertThat(config.kafka().topic()).isEqualTo("herald-push");
    assertThat(config.kafka().groupId()).isEqualTo("herald-job");
    assertThat(config.kafka().instanceId()).as("derived from the host when Job starts").isEmpty();
    assertThat(config.kafka().sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.kafka().heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.kafka().properties()).isEmpty();
    assertThat(config.registry().backend()).isEqualTo("redis");
    assertThat(config.registry().redis().keyPrefix()).isEqualTo("herald:registry");
    assertThat(config.delivery().giveUpAfter()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.batch().window()).isEqualTo(Duration.ofMillis(5));
    assertThat(config.batch().maxMessages()).isEqualTo(64);
  }

  @Test
  void theDefaultsAreProductionsAndMatchTheExample() {
    JobConfig defaults = LOADER.load(null, Map.of()).config();
    JobConfig example = LOADER.load(EXAMPLE, Map.of()).config();

    assertThat(defaults.server().port()).isEqualTo(JobConfig.DEFAULT_PORT);
    assertThat(defaults.registry().backend()).isEqualTo("redis");
    assertThat(defaults.delivery()).isEqualTo(example.delivery());
    assertThat(defaults.batch()).isEqualTo(example.batch());
    assertThat(defaults.kafka()).isEqualTo(example.kafka());
  }

  @Test
  void environmentOverridesTheExample() {
    JobConfig config =
        LOADER
            .load(
                EXAMPLE,
                Map.of(
                    "JOB_KAFKA_BOOTSTRAPSERVERS", "kafka-1:9092,kafka-2:9092",
                    "JOB_BATCH_WINDOW", "20ms",
                    "JOB_REGISTRY_REDIS_URI", "redis://redis.internal:6379",
                    "JOB_KAFKA_INSTANCEID", "herald-job-0",
                    "JOB_KAFKA_SESSIONTIMEOUT", "6s"))
            .config();

    assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
    assertThat(config.batch().window()).isEqualTo(Duration.ofMillis(20));
    assertThat(config.registry().redis().uri()).isEqualTo("redis://redis.internal:6379");
    assertThat(config.kafka().instanceId()).isEqualTo("herald-job-0");
    assertThat(config.kafka().sessionTimeout()).isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void badValuesAreNamed(@TempDir Path dir) throws Exception {
    assertThat(failure(dir, "batch: {window: 2s}")).contains("window").contains("0-1s");
    assertThat(failure(dir, "kafka: {maxInFlightPerPartition: 0}"))
        .contains("maxInFlightPerPartition");
    assertThat(failure(dir, "kafka: {properties: {enable.auto.commit: 'true'}}"))
        .contains("enable.auto.commit");
    assertThat(failure(dir, "kafka: {autoOffsetReset: none}")).contains("earliest or latest");
    assertThat(failure(dir, "delivery: {initialBackoff: 10s, maxBackoff: 1s}"))
        .contains("maxBackoff");
    assertThat(failure(dir, "server: {port: 0}")).contains("port");
  }

  @Test
  void badGroupMembershipIsNamed(@TempDir Path dir) throws Exception {
    assertThat(failure(dir, "kafka: {instanceId: 'job 1'}"))
        .contains("kafka.instanceId: job 1")
        .contains("A-Z a-z 0-9 . _ -");
    assertThat(failure(dir, "kafka: {instanceId: '" + "j".repeat(250) + "'}"))
        .contains("kafka.instanceId");
    assertThat(failure(dir, "kafka: {sessionTimeout: 0s}")).contains("kafka.sessionTimeout");
    assertThat(failure(dir, "kafka: {sessionTimeout: 1h}"))
        .contains("kafka.sessionTimeout: 1h")
        .contains("at most 30m");
    assertThat(failure(dir, "kafka: {sessionTimeout: 6s, heartbeatInterval: 3s}"))
        .contains("kafka.heartbeatInterval: 3s")
        .contains("at most a third of sessionTimeout 6s");
    // What has a key of its own cannot be set as a raw property.
    assertThat(failure(dir, "kafka: {properties: {session.timeout.ms: '45000'}}"))
        .contains("session.timeout.ms")
        .contains("kafka.sessionTimeout instead");
    assertThat(failure(dir, "kafka: {properties: {group.instance.id: 'x'}}"))
        .contains("kafka.instanceId instead");
    assertThat(failure(dir, "kafka: {properties: {group.protocol: consumer}}"))
        .contains("classic protocol");
  }

  private static String failure(Path dir, String yaml) throws Exception {
    Path file = dir.resolve("job-" + Integer.toHexString(yaml.hashCode()) + ".yaml");
    Files.writeString(file, yaml);
    return assertThatThrownBy(() -> LOADER.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .actual()
        .getMessage();
  }
}
