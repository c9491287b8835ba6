package io.herald.logic.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.herald.config.ConfigException;
import io.herald.config.ConfigLoader;
import io.herald.logic.ids.MessageIdsConfig;
import io.herald.logic.kafka.KafkaProducerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushConfigTest {

  @Test
  void defaultsFailAPushWithinSecondsAndNeedATokenBeforeServing() {
    PushConfig config = PushConfig.defaults();

    assertThat(config.kafka().topic()).isEqualTo("herald-push");
    assertThat(config.kafka().maxBlock().plus(config.kafka().deliveryTimeout()))
        .isLessThanOrEqualTo(Duration.ofSeconds(10));
    assertThat(config.api().maxBodyBytes()).isEqualTo(4096);
    assertThat(config.api().maxTargets()).isEqualTo(1000);
    assertThat(config.api().requireToken()).isTrue();
    assertThatThrownBy(() -> config.api().checkTokens())
        .hasMessage("tokens: [] (expected: at least one token while requireToken is true)");
    assertThat(new PushConfig.Api(false, List.of(), 4096, 1000).checkTokens()).isNotNull();
  }

  @Test
  void loadsFromYamlAndEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("logic.yaml");
    Files.writeString(
        file,
        """
        kafka:
          bootstrapServers: kafka-1:9092,kafka-2:9092
          deliveryTimeout: 8s
          properties:
            compression.type: lz4
        api:
          tokens: [s3cret-one]
          maxBodyBytes: 8192
        messageIds:
          instanceId: 17
        """);

    PushConfig config =
        new ConfigLoader<>(PushConfig.class, PushConfig.defaults(), "LOGIC")
            .load(file, Map.of("LOGIC_API_MAXTARGETS", "50"))
            .config();

    assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
    assertThat(config.kafka().deliveryTimeout()).isEqualTo(Duration.ofSeconds(8));
    assertThat(config.kafka().properties()).containsEntry("compression.type", "lz4");
    assertThat(config.api().tokens()).containsExactly("s3cret-one");
    assertThat(config.api().maxBodyBytes()).isEqualTo(8192);
    assertThat(config.api().maxTargets()).isEqualTo(50);
    assertThat(config.messageIds().instanceId()).isEqualTo(17);
  }

  @Test
  void refusesSettingsThatBreakTheGuarantees(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("logic.yaml");
    Files.writeString(file, "kafka:\n  properties:\n    acks: '1'\n");

    assertThatThrownBy(
            () ->
                new ConfigLoader<>(PushConfig.class, PushConfig.defaults(), "LOGIC")
                    .load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.properties.acks: 1 (expected: not set: Herald fixes acks,");
  }

  @Test
  void checksEachValueWithItsName() {
    KafkaProducerConfig kafka = PushConfig.defaults().kafka();
    assertThatThrownBy(
            () ->
                new KafkaProducerConfig(
                    kafka.bootstrapServers(),
                    kafka.topic(),
                    "",
                    kafka.maxBlock(),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(5),
                    kafka.linger(),
                    Map.of()))
        .hasMessage(
            "deliveryTimeout: 5s (expected: at least linger + requestTimeout = 10005ms, or Kafka"
                + " refuses to build the producer)");
    assertThatThrownBy(() -> new PushConfig.Api(true, List.of("a"), 0, 10))
        .hasMessage("maxBodyBytes: 0 (expected: > 0)");
    assertThatThrownBy(() -> new PushConfig.Api(true, List.of("a b"), 10, 10))
        .hasMessage("tokens[0]: <hidden> (expected: no whitespace)");
    assertThatThrownBy(() -> new MessageIdsConfig("local", 1024, MessageIdsConfig.IdGen.defaults()))
        .hasMessage("instanceId: 1024 (expected: 0-1023)");
  }

  @Test
  void tokensNeverShowInToString() {
    assertThat(new PushConfig.Api(true, List.of("very-secret"), 10, 10).toString())
        .doesNotContain("very-secret")
        .contains("1 hidden");
  }
}
