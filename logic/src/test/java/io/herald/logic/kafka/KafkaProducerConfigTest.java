package io.herald.logic.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.herald.config.ConfigException;
import io.herald.config.ConfigLoader;
import io.herald.logic.server.LogicConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a Kafka producer would refuse at construction, or that could never deliver, is a config
 * error naming the key; what passes builds a producer.
 */
class KafkaProducerConfigTest {
  private static final ConfigLoader<LogicConfig> LOADER =
      new ConfigLoader<>(LogicConfig.class, LogicConfig.defaults(), "LOGIC");

  private static String error(Map<String, String> env) {
    try {
      LOADER.load(null, env);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("loaded: " + env);
  }

  /** Both producers, with every setting at its default, build (no broker needed to build one). */
  @Test
  void theDefaultsBuildAProducer() {
    LogicConfig defaults = LogicConfig.defaults();
    for (KafkaProducerConfig config :
        new KafkaProducerConfig[] {defaults.push().kafka(), defaults.receive().kafka()}) {
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(config.producerProperties())) {
        assertThat(producer.metrics()).isNotEmpty();
      }
      assertThat(config.producerProperties())
          .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 5)
          .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000)
          .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5000);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "RECEIVE | DELIVERYTIMEOUT | 2s | receive.kafka.deliveryTimeout: 2s (expected: at least"
            + " linger + requestTimeout = 2005ms, or Kafka refuses to build the producer)",
        "PUSH | LINGER | 4s | push.kafka.deliveryTimeout: 5s (expected: at least linger +"
            + " requestTimeout = 6s, or Kafka refuses to build the producer)",
        "PUSH | REQUESTTIMEOUT | 30d | push.kafka.requestTimeout: 720h (expected: at most 596h,"
            + " an int of milliseconds for Kafka)",
        "RECEIVE | BOOTSTRAPSERVERS | kafka | receive.kafka.bootstrapServers: kafka (expected:"
            + " host:port[,host:port...])",
        "PUSH | BOOTSTRAPSERVERS | a:9092,b:99999 | push.kafka.bootstrapServers: a:9092,b:99999"
            + " (expected: host:port[,host:port...])",
        "RECEIVE | TOPIC | up stream | receive.kafka.topic: up stream (expected: a Kafka topic"
            + " name: 1-249 of a-z, A-Z, 0-9, '.', '_', '-')",
      })
  void aSettingKafkaWouldRefuseIsNamed(String where, String key, String value, String message) {
    assertThat(error(Map.of("LOGIC_" + where + "_KAFKA_" + key, value)))
        .isEqualTo("config: " + message);
  }

  @Test
  void passThroughPropertiesAreCheckedAsKafkaChecksThem() {
    assertThat(properties(Map.of("linger.ms", "20")))
        .isEqualTo("properties.linger.ms: 20 (expected: not set here: use the key linger)");
    assertThat(properties(Map.of("delivery.timeout.ms", "1000")))
        .isEqualTo(
            "properties.delivery.timeout.ms: 1000 (expected: not set here: use the key"
                + " deliveryTimeout)");
    assertThat(properties(Map.of("transactional.id", "herald")))
        .startsWith("properties.transactional.id: herald (expected: not set: Herald fixes acks,");
    assertThat(properties(Map.of("lingerr.ms", "20")))
        .isEqualTo("properties.lingerr.ms: 20 (expected: a Kafka producer property)");
    assertThat(properties(Map.of("compression.type", "zip")))
        .startsWith("properties.compression.type: zip (expected: a value Kafka's producer accepts;")
        .contains("zip");
    assertThat(properties(Map.of("batch.size", "lots")))
        .startsWith("properties.batch.size: lots (expected: a value Kafka's producer accepts;");
    assertThat(properties(Map.of("retries", "0")))
        .isEqualTo("properties.retries: 0 (expected: > 0, as an idempotent producer requires)");

    KafkaProducerConfig tuned = config(Map.of("compression.type", "zstd", "batch.size", "65536"));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(tuned.producerProperties())) {
      assertThat(producer.metrics()).isNotEmpty();
    }
  }

  private static String properties(Map<String, String> properties) {
    try {
      config(properties);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + properties);
  }

  private static KafkaProducerConfig config(Map<String, String> properties) {
    return new KafkaProducerConfig(
        "127.0.0.1:9092",
        "herald-push",
        "",
        Duration.ofSeconds(2),
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        Duration.ofMillis(5),
        properties);
  }
}
